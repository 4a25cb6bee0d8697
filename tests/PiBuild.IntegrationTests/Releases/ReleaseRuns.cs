using PiBuild.IntegrationTests.Infrastructure;

namespace PiBuild.IntegrationTests.Releases;

/// <summary>How the release tests run pibuild release: on the shared cache, the date taken from the commit.</summary>
internal static class ReleaseRuns
{
    public static Dictionary<string, string?> Environment(SharedGoCache cache)
    {
        var env = cache.Environment();
        env["SOURCE_DATE_EPOCH"] = null;
        return env;
    }

    public static Task<RunResult> ReleaseAsync(SharedGoCache cache, string project, params string[] more) =>
        Run.PiBuildAsync(["release", "-C", project, .. more], project, Environment(cache));

    public static string[] Files(string directory) =>
        Directory.GetFiles(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;
}
