namespace PiBuild.Core.Bootstrap;

/// <summary>
/// The lines of Go's make.bash, all.bash and bootstrap.bash that mark a phase ("Building Go toolchain1 using …",
/// "##### Testing packages.", "ALL TESTS PASSED"), shown as progress while the rest goes to the log.
/// </summary>
internal static class GoBuildPhases
{
    private static readonly string[] Prefixes = ["Building ", "Installed ", "Installing ", "##### ", "ALL TESTS PASSED", "---"];

    public static bool IsPhase(string line) => Prefixes.Any(p => line.StartsWith(p, StringComparison.Ordinal));
}
