namespace PiBuild.IntegrationTests.Infrastructure;

/// <summary>
/// One pibuild cache for the whole test run: the standard library is compiled once per board and every
/// test after the first builds warm, as a user's second build does. Tests that need a cold cache make their own.
/// </summary>
public sealed class SharedGoCache : IDisposable
{
    private readonly TempDirectory _dir = new("pibuild-cache-");

    public string CacheHome => _dir.Path;

    /// <summary>The environment that points pibuild at this cache and at no user configuration.</summary>
    public Dictionary<string, string?> Environment() => new()
    {
        ["XDG_CACHE_HOME"] = _dir.Path,
        ["XDG_CONFIG_HOME"] = _dir.Combine("config"),
        ["PIBUILD_CACHE_DIR"] = null,
        ["PIBUILD_GO"] = null,
    };

    public void Dispose() => _dir.Dispose();
}

[CollectionDefinition(Name)]
public sealed class GoCacheCollection : ICollectionFixture<SharedGoCache>
{
    public const string Name = "shared go cache";
}
