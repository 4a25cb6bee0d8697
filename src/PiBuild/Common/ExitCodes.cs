namespace PiBuild.Cli.Common;

/// <summary>pibuild's documented exit codes.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    public const int Interrupted = 130;
}
