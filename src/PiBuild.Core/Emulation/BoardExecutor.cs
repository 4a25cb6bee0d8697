using PiBuild.Core.Go;
using PiBuild.Core.Processes;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Emulation;

/// <summary>
/// How a board's binaries run on this machine, decided once: natively when pibuild runs on that kind of
/// machine (a Pi building for itself), otherwise under qemu-user with the board's own CPU model.
/// </summary>
internal abstract record BoardExecutor(TargetProfile Target)
{
    /// <summary>Native when the toolchain's host is the target's platform; qemu-user otherwise (its absence is a usage error).</summary>
    /// <param name="sysroot">Where a cgo binary's loader and libraries are (qemu's -L); null: the host's multiarch ones.</param>
    public static BoardExecutor For(TargetProfile target, GoToolchain toolchain, Func<string, string?> getVariable, string? sysroot = null) =>
        IsNative(target, toolchain.HostOs, toolchain.HostArch)
            ? new NativeExecutor(target)
            : new EmulatedExecutor(target, QemuUser.Locate(target, getVariable)) { Sysroot = target.Cgo ? sysroot : null };

    /// <summary>True when this machine runs the target's binaries natively.</summary>
    public static bool IsNative(TargetProfile target, string hostOs, string hostArch) =>
        target.GoOs == hostOs && target.GoArch == hostArch;

    /// <summary>The command that runs <paramref name="binary"/> as the board would.</summary>
    public abstract ProcessSpec Command(string binary, IReadOnlyList<string> arguments, string workingDirectory);

    /// <summary>The value for <c>go test -exec</c> (split by go like a shell line), or null to run test binaries directly.</summary>
    public abstract string? GoTestExec { get; }
}

/// <summary>The board's binaries run here as they are.</summary>
internal sealed record NativeExecutor(TargetProfile Target) : BoardExecutor(Target)
{
    public override ProcessSpec Command(string binary, IReadOnlyList<string> arguments, string workingDirectory) =>
        ProcessSpec.Plain(binary, arguments, workingDirectory);

    public override string? GoTestExec => null;
}

/// <summary>The board's binaries run under qemu-user with its CPU model, so an instruction the board lacks fails here too.</summary>
internal sealed record EmulatedExecutor(TargetProfile Target, QemuUser Qemu) : BoardExecutor(Target)
{
    /// <summary>qemu's -L: a dynamically linked (cgo) binary's loader and libraries are looked up there first.</summary>
    public string? Sysroot { get; init; }

    public override ProcessSpec Command(string binary, IReadOnlyList<string> arguments, string workingDirectory) =>
        ProcessSpec.Plain(Qemu.Executable, [.. CpuArguments, binary, .. arguments], workingDirectory);

    public override string? GoTestExec => ShellQuote.Join([Qemu.Executable, .. CpuArguments]);

    private string[] CpuArguments =>
        [.. Target.QemuCpu is { } model ? ["-cpu", model] : Array.Empty<string>(), .. Sysroot is { } root ? ["-L", root] : Array.Empty<string>()];
}
