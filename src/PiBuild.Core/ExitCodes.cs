namespace PiBuild.Core;

/// <summary>pibuild's documented exit codes, in one place: the exceptions carry them and the CLI returns them.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The work failed: a compile error, a binary that fails verification, a checksum mismatch.</summary>
    public const int Failure = 1;

    /// <summary>Usage or configuration is wrong: an unknown target, bad YAML, a bad flag, a missing tool.</summary>
    public const int Usage = 2;

    /// <summary>Ctrl-C (SIGINT): what was running was stopped and nothing half-written was kept.</summary>
    public const int Interrupted = 130;

    /// <summary>SIGTERM (a service manager, CI cancelling a job): stopped the same way; 128 + 15, as a shell reports it.</summary>
    public const int Terminated = 143;

    /// <summary>The code for a stop by signal: <see cref="Terminated"/> after a SIGTERM, else <see cref="Interrupted"/>.</summary>
    public static int ForStop => Processes.InterruptOrigin.Terminated ? Terminated : Interrupted;
}
