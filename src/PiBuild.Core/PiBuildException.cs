namespace PiBuild.Core;

/// <summary>
/// A failure the user can act on. The message is one line that names the thing and the fix;
/// the CLI prints it without a stack trace and exits with <see cref="ExitCode"/>.
/// </summary>
public abstract class PiBuildException(string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    public abstract int ExitCode { get; }

    /// <summary>Output of the failing tool, shown verbatim before the one-line message.</summary>
    public string? Details { get; init; }
}

/// <summary>Usage or configuration is wrong (unknown target, bad YAML, missing toolchain): exit 2.</summary>
internal class ConfigurationException(string message, Exception? innerException = null)
    : PiBuildException(message, innerException)
{
    public override int ExitCode => ExitCodes.Usage;
}

/// <summary>
/// A program pibuild needs could not be started: it is not installed, not executable, or built for another
/// machine (exec format error). Exit 2, like every missing piece of setup; callers that can do without the
/// program (git for a release version, a probe of a foreign binary) catch exactly this.
/// </summary>
internal sealed class ProgramNotStartedException(string program, string reason, Exception? innerException = null)
    : ConfigurationException($"cannot run {program}: {reason}", innerException)
{
    public string Program { get; } = program;
}

/// <summary>The work itself failed (compile error, verification failure, checksum mismatch): exit 1.</summary>
internal sealed class WorkFailedException(string message, Exception? innerException = null)
    : PiBuildException(message, innerException)
{
    public override int ExitCode => ExitCodes.Failure;
}
