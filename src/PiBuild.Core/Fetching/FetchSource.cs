namespace PiBuild.Core.Fetching;

/// <summary>Where a file comes from: a URL to download, or a file already on this machine.</summary>
internal abstract partial record FetchSource(string Name)
{
    public static FetchSource Parse(string text)
    {
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "file")
        {
            return uri.IsFile ? new LocalSource(uri.LocalPath) : new RemoteSource(uri);
        }

        if (text.Contains("://", StringComparison.Ordinal))
        {
            throw new ConfigurationException($"unsupported URL '{text}': use https://, http://, file:// or a path");
        }

        // "127.0.0.1:8765/x" and "http:/host/x" are URLs typed short, not paths, unless such a file is really there.
        if (!File.Exists(text) && (HostAndPort().IsMatch(text) || OneSlashScheme().IsMatch(text)))
        {
            throw new ConfigurationException($"'{FileSystem.ArchiveName.Display(text)}' looks like a URL without its scheme or '//'; write it as http://… or https://… (or ./… for a file)");
        }

        return new LocalSource(Path.GetFullPath(text));
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[A-Za-z0-9.-]+:[0-9]+(/|$)")]
    private static partial System.Text.RegularExpressions.Regex HostAndPort();

    [System.Text.RegularExpressions.GeneratedRegex(@"^(https?|file):/?[^/]")]
    private static partial System.Text.RegularExpressions.Regex OneSlashScheme();
}

internal sealed record RemoteSource(Uri Url) : FetchSource(Path.GetFileName(Url.AbsolutePath) is { Length: > 0 } name ? name : Url.Host)
{
    public override string ToString() => Url.AbsoluteUri;
}

internal sealed record LocalSource(string Path) : FetchSource(System.IO.Path.GetFileName(Path))
{
    public override string ToString() => Path;
}
