namespace PiBuild.Core.Fetching;

/// <summary>Where a file comes from: a URL to download, or a file already on this machine.</summary>
internal abstract record FetchSource(string Name)
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

        return new LocalSource(Path.GetFullPath(text));
    }
}

internal sealed record RemoteSource(Uri Url) : FetchSource(Path.GetFileName(Url.AbsolutePath) is { Length: > 0 } name ? name : Url.Host)
{
    public override string ToString() => Url.AbsoluteUri;
}

internal sealed record LocalSource(string Path) : FetchSource(System.IO.Path.GetFileName(Path))
{
    public override string ToString() => Path;
}
