namespace PiBuild.Core.Fetching;

/// <summary>Download progress as pipeline events, reported synchronously on the downloading thread.</summary>
internal sealed class DownloadProgress(IPipelineEvents events) : IProgress<FetchProgress>
{
    public void Report(FetchProgress value) => events.Download(value);
}
