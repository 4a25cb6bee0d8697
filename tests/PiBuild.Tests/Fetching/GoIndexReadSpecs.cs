using PiBuild.Core;
using PiBuild.Core.Fetching;

namespace PiBuild.Tests.Fetching;

/// <summary>Go's download index is read whole, so it is bounded like every document that arrives: from a file as from a server.</summary>
public sealed class GoIndexReadSpecs : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task An_index_file_larger_than_any_index_is_refused_without_being_read()
    {
        var path = _dir.Combine("index.json");
        using (var file = File.Create(path))
        {
            // Sparse: as large as it says, costing no disk.
            file.SetLength(Fetcher.MaxIndexBytes + 1L);
        }

        using var fetcher = new Fetcher(new DownloadStore(_dir.Combine("downloads")), FetchPolicy.Default);
        var refused = await Assert.ThrowsAnyAsync<PiBuildException>(() => fetcher.ReadIndexAsync(path, CancellationToken.None));

        Assert.Equal($"{path} is {Fetcher.MaxIndexBytes + 1L} bytes; Go's download index is at most 64 MiB", refused.Message);
    }

    public void Dispose() => _dir.Dispose();
}
