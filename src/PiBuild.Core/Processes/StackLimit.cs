using System.Globalization;

namespace PiBuild.Core.Processes;

/// <summary>
/// Applies a thread stack limit (<c>ulimit -s</c>) to one child and everything it starts, and to nothing
/// else: the child runs under <c>/bin/sh</c>, which lowers its soft RLIMIT_STACK and then execs the command.
/// Changing pibuild's own limit instead would race with its other children. The soft limit is never set above
/// the hard limit.
/// </summary>
internal static class StackLimit
{
    internal const string Script =
        "h=$(ulimit -H -s); n=$1; shift; " +
        "if [ \"$h\" != unlimited ] && [ \"$h\" -lt \"$n\" ]; then n=$h; fi; " +
        "ulimit -S -s \"$n\" && exec \"$@\"";

    public static ProcessSpec Apply(ProcessSpec spec, int kilobytes) => spec with
    {
        FileName = "/bin/sh",
        Arguments = ["-c", Script, "pibuild-ulimit", kilobytes.ToString(CultureInfo.InvariantCulture), spec.FileName, .. spec.Arguments],
    };
}
