namespace PiBuild.Core;

/// <summary>
/// Where pibuild keeps its state, following the XDG base directories. Everything pibuild writes outside a
/// project lives under <see cref="CacheDirectory"/>; nothing is ever written under a GOROOT.
/// </summary>
internal sealed record PiBuildPaths(string CacheDirectory, string ConfigDirectory)
{
    /// <summary>Where sockets live (ssh's control sockets): XDG_RUNTIME_DIR, else a private directory in /tmp.</summary>
    public string? RuntimeRoot { get; init; }

    /// <summary>Reads PIBUILD_CACHE_DIR, XDG_CACHE_HOME, XDG_CONFIG_HOME and HOME.</summary>
    public static PiBuildPaths FromEnvironment(Func<string, string?> getVariable)
    {
        var home = NonEmpty(getVariable("HOME")) ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var cache = NonEmpty(getVariable("PIBUILD_CACHE_DIR"))
            ?? Path.Combine(NonEmpty(getVariable("XDG_CACHE_HOME")) ?? Path.Combine(home, ".cache"), "pibuild");
        var config = Path.Combine(NonEmpty(getVariable("XDG_CONFIG_HOME")) ?? Path.Combine(home, ".config"), "pibuild");
        return new PiBuildPaths(Path.GetFullPath(cache), Path.GetFullPath(config)) { RuntimeRoot = NonEmpty(getVariable("XDG_RUNTIME_DIR")) };
    }

    public string UserTargetsDirectory => Path.Combine(ConfigDirectory, "targets");

    /// <summary>One Go build cache per platform and Go version, so the standard library is compiled once per board.</summary>
    public string GoBuildCache(string platform, string goVersion) =>
        Path.Combine(CacheDirectory, "go-build", $"{platform}-{goVersion}");

    /// <summary>
    /// pibuild's runtime directory, created private (0700). Not under the cache: a socket's path must stay under
    /// 108 bytes. One in /tmp that another user made, or opened up, is refused.
    /// </summary>
    public string RuntimeDirectory()
    {
        var directory = RuntimeRoot is { } root ? Path.Combine(root, "pibuild") : $"/tmp/pibuild-{Environment.UserName}";
        const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        try
        {
            Directory.CreateDirectory(directory, Private);

            // Only its owner may change a directory's mode: this both proves it is ours and closes it to others.
            if (new DirectoryInfo(directory).LinkTarget is null)
            {
                File.SetUnixFileMode(directory, Private);
                return directory;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        throw new ConfigurationException($"{directory} is not a private directory of this user; remove it, or set XDG_RUNTIME_DIR");
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
