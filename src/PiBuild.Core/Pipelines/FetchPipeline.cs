using PiBuild.Core.Archives;
using PiBuild.Core.Fetching;

namespace PiBuild.Core.Pipelines;

/// <summary>What was fetched, and what was unpacked from it when asked.</summary>
public sealed record FetchOutcome(FetchResult Fetched, ExtractResult? Extracted);

/// <summary><c>pibuild fetch</c>: download into the content-addressed store (resumable, verified), then optionally unpack safely.</summary>
public static class FetchPipeline
{
    public static async Task<FetchOutcome> RunAsync(Workspace workspace, FetchRequest request, CancellationToken cancellationToken)
    {
        if (request.StripComponents < 0)
        {
            throw new ConfigurationException("--strip-components must be 0 or more");
        }

        using var fetcher = Fetcher.For(workspace);
        var progress = new DownloadProgress(workspace.Events);
        if (request.ExtractTo is { } destination)
        {
            var (fetched, extracted) = await fetcher.FetchAndExtractAsync(request, destination, request.StripComponents, progress, cancellationToken).ConfigureAwait(false);
            return new FetchOutcome(fetched, extracted);
        }

        return new FetchOutcome(await fetcher.FetchAsync(request, progress, cancellationToken).ConfigureAwait(false), null);
    }
}

/// <summary>Download progress as pipeline events, reported synchronously on the downloading thread.</summary>
internal sealed class DownloadProgress(IPipelineEvents events) : IProgress<FetchProgress>
{
    public void Report(FetchProgress value) => events.Download(value);
}
