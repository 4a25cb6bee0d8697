using PiBuild.Core.Archives;
using PiBuild.Core.Fetching;

namespace PiBuild.Core.Pipelines;

/// <summary>What was fetched, and what was unpacked from it when asked.</summary>
/// <param name="Origin">"store" (already in the cache: nothing downloaded), "downloaded" or "localfile".</param>
/// <param name="Verification">How the digest was checked ("--sha256", "the checksum file", …).</param>
/// <param name="ExtractedTo">Where it was unpacked; null when it was only stored.</param>
/// <param name="Format">The archive's format when it was unpacked ("targzip", "zip", …).</param>
public sealed record FetchOutcome(
    string Name, string Path, string Sha256, long Size, string Origin, string Verification, bool Unverified,
    string? ExtractedTo = null, string? Format = null, int Entries = 0, long Bytes = 0)
{
    public bool FromStore => Origin == "store";

    internal static FetchOutcome Of(FetchResult fetched, ExtractResult? extracted) => new(
        fetched.Name, fetched.Path, fetched.Sha256, fetched.Size, fetched.Origin.ToString().ToLowerInvariant(), fetched.Verification, fetched.Unverified,
        extracted?.Destination, extracted?.Format.ToString().ToLowerInvariant(), extracted?.Entries ?? 0, extracted?.Bytes ?? 0);
}

/// <summary><c>pibuild fetch</c>: download into the content-addressed store (resumable, verified), then optionally unpack safely.</summary>
internal static class FetchPipeline
{
    public static async Task<FetchOutcome> RunAsync(Workspace workspace, FetchRequest request, CancellationToken cancellationToken)
    {
        if (request.StripComponents < 0)
        {
            throw new ConfigurationException("--strip-components must be 0 or more");
        }

        if (request.Timeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            throw new ConfigurationException("--timeout must be a number of seconds above 0");
        }

        using var fetcher = Fetcher.For(workspace.Paths, workspace.GetVariable, request.Timeout);
        var progress = new DownloadProgress(workspace.Events);
        if (request.ExtractTo is { } destination)
        {
            var (fetched, extracted) = await fetcher.FetchAndExtractAsync(request, destination, request.StripComponents, progress, cancellationToken).ConfigureAwait(false);
            return FetchOutcome.Of(fetched, extracted);
        }

        return FetchOutcome.Of(await fetcher.FetchAsync(request, progress, cancellationToken).ConfigureAwait(false), null);
    }
}
