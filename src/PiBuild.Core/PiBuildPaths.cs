namespace PiBuild.Core;

/// <summary>
/// Where pibuild keeps its state, following the XDG base directories. Everything pibuild writes outside a
/// project lives under <see cref="CacheDirectory"/>; nothing is ever written under a GOROOT.
/// </summary>
internal sealed record PiBuildPaths(string CacheDirectory, string ConfigDirectory)
{
    /// <summary>Reads PIBUILD_CACHE_DIR, XDG_CACHE_HOME, XDG_CONFIG_HOME and HOME.</summary>
    public static PiBuildPaths FromEnvironment(Func<string, string?> getVariable)
    {
        var home = NonEmpty(getVariable("HOME")) ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var cache = NonEmpty(getVariable("PIBUILD_CACHE_DIR"))
            ?? Path.Combine(NonEmpty(getVariable("XDG_CACHE_HOME")) ?? Path.Combine(home, ".cache"), "pibuild");
        var config = Path.Combine(NonEmpty(getVariable("XDG_CONFIG_HOME")) ?? Path.Combine(home, ".config"), "pibuild");
        return new PiBuildPaths(Path.GetFullPath(cache), Path.GetFullPath(config));
    }

    public string UserTargetsDirectory => Path.Combine(ConfigDirectory, "targets");

    /// <summary>One Go build cache per platform and Go version, so the standard library is compiled once per board.</summary>
    public string GoBuildCache(string platform, string goVersion) =>
        Path.Combine(CacheDirectory, "go-build", $"{platform}-{goVersion}");

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
