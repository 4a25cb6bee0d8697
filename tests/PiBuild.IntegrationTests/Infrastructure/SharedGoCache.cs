namespace PiBuild.IntegrationTests.Infrastructure;

/// <summary>
/// One pibuild cache for the whole test run: the standard library is compiled once per board and every
/// test after the first builds warm, as a user's second build does. Tests that need a cold cache make their own.
/// </summary>
public sealed class SharedGoCache : IDisposable
{
    private readonly TempDirectory _dir = new("pibuild-cache-");

    public string CacheHome => _dir.Path;

    /// <summary>
    /// The environment that points pibuild at this cache and at no user configuration. Its go is the one on PATH,
    /// or $PIBUILD_TEST_GO when scripts/test.sh runs the build tests again with the newest Go.
    /// </summary>
    public Dictionary<string, string?> Environment() => new()
    {
        ["XDG_CACHE_HOME"] = _dir.Path,
        ["XDG_CONFIG_HOME"] = _dir.Combine("config"),
        ["PIBUILD_CACHE_DIR"] = null,
        ["PIBUILD_GO"] = System.Environment.GetEnvironmentVariable("PIBUILD_TEST_GO"),
        ["PIBUILD_GO_INDEX"] = null,
    };

    /// <summary>
    /// A cache root of its own (no toolchains, no downloads) whose per-board Go build caches are this shared one's,
    /// so a test about fetching toolchains does not compile the standard library again.
    /// </summary>
    public string FreshRootSharingBuildCaches(string directory)
    {
        var buildCaches = _dir.Combine("pibuild", "go-build");
        Directory.CreateDirectory(buildCaches);
        Directory.CreateDirectory(Path.Combine(directory, "pibuild"));
        File.CreateSymbolicLink(Path.Combine(directory, "pibuild", "go-build"), buildCaches);
        return directory;
    }

    public void Dispose() => _dir.Dispose();
}

[CollectionDefinition(Name)]
public sealed class GoCacheCollection : ICollectionFixture<SharedGoCache>
{
    public const string Name = "shared go cache";
}
