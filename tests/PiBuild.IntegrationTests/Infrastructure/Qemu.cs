namespace PiBuild.IntegrationTests.Infrastructure;

/// <summary>The real qemu-user, run with a board's CPU model.</summary>
public static class Qemu
{
    /// <summary>Exit status of a process killed by SIGILL, as a shell reports it (128 + 4).</summary>
    public const int IllegalInstruction = 132;

    public static string Executable { get; } =
        new[] { "/usr/bin/qemu-arm-static", "/usr/bin/qemu-arm" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("qemu-arm-static is missing: run scripts/test.sh, which installs it");

    public static Task<RunResult> RunAsync(string cpu, string binary, params string[] args) =>
        Run.ProgramAsync(Executable, ["-cpu", cpu, binary, .. args]);
}
