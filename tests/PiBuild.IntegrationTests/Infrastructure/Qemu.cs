namespace PiBuild.IntegrationTests.Infrastructure;

/// <summary>The real qemu-user, run with a board's CPU model: qemu-arm for 32-bit binaries, qemu-aarch64 for 64-bit ones.</summary>
public static class Qemu
{
    /// <summary>Exit status of a process killed by SIGILL, as a shell reports it (128 + 4).</summary>
    public const int IllegalInstruction = 132;

    public static string Arm { get; } = Find("arm");

    public static string Aarch64 { get; } = Find("aarch64");

    public static Task<RunResult> RunAsync(string cpu, string binary, params string[] args) =>
        Run.ProgramAsync(For(binary), ["-cpu", cpu, binary, .. args]);

    /// <summary>The emulator a binary needs: the ELF class says 32 or 64 bits.</summary>
    public static string For(string binary)
    {
        using var file = File.OpenRead(binary);
        Span<byte> head = stackalloc byte[5];
        file.ReadExactly(head);
        return head[4] == 2 ? Aarch64 : Arm;
    }

    private static string Find(string arch) =>
        new[] { $"/usr/bin/qemu-{arch}-static", $"/usr/bin/qemu-{arch}" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"qemu-{arch}-static is missing: run scripts/test.sh, which installs it");
}
