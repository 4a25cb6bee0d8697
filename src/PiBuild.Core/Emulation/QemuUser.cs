using PiBuild.Core.Processes;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Emulation;

/// <summary>
/// qemu-user, which runs a target's binaries on this machine with the board's own CPU model
/// (<c>-cpu arm1176</c> for a Pi 1), so an instruction the board lacks fails here as it would there.
/// </summary>
internal sealed record QemuUser(string Executable)
{
    public const string ExecutableVariable = "PIBUILD_QEMU";

    /// <summary>qemu's name for a Go architecture (<c>qemu-arm</c>, <c>qemu-aarch64</c>, …).</summary>
    public static string ArchitectureName(string goArch) => GoArchitecture.Find(goArch)?.QemuName ?? goArch;

    public static QemuUser Locate(TargetProfile target, Func<string, string?> getVariable)
    {
        if (getVariable(ExecutableVariable) is { Length: > 0 } configured)
        {
            return File.Exists(configured)
                ? new QemuUser(Path.GetFullPath(configured))
                : throw new ConfigurationException($"${ExecutableVariable} names {configured}, which does not exist; fix it or unset it");
        }

        var arch = ArchitectureName(target.GoArch);
        var found = ExecutableSearch.FindFirstOnPath([$"qemu-{arch}-static", $"qemu-{arch}"], getVariable("PATH"));
        return found is not null
            ? new QemuUser(found)
            : throw new ConfigurationException(
                $"qemu-{arch}-static is not installed, and {target.Name} binaries need it to run here; install it: sudo apt-get install qemu-user-static");
    }
}
