using System.Security.Cryptography;
using System.Text;
using PiBuild.Core.Archives;
using PiBuild.Core.Digests;
using PiBuild.Core.FileSystem;
using PiBuild.Core.Streams;

namespace PiBuild.Core.Fetching;

/// <summary>What to fetch, how its checksum is known, and where to unpack it (when it is to be unpacked).</summary>
/// <param name="Timeout">--timeout: how long a server that sends nothing is waited for, each attempt; null: PIBUILD_IDLE_TIMEOUT, else 20 s.</param>
public sealed record FetchRequest(string Source, string? Sha256 = null, string? IndexUrl = null, bool Insecure = false, string? ExtractTo = null, int StripComponents = 0, TimeSpan? Timeout = null)
{
    /// <summary>Go's own download index, where checksums of Go's releases are looked up by default.</summary>
    public const string GoIndex = GoDownloadIndex.DefaultUrl;
}

internal enum FetchOrigin
{
    /// <summary>Already in the store under its checksum: nothing was downloaded.</summary>
    Store,
    Downloaded,
    LocalFile,
}

/// <summary>A fetched file: where it is now, its SHA-256, and how that digest was checked.</summary>
internal sealed record FetchResult(string Name, string Path, string Sha256, long Size, FetchOrigin Origin, string Verification)
{
    /// <summary>A remote file accepted without a known checksum (--insecure): its digest should be pinned.</summary>
    public bool Unverified => Verification.StartsWith(Fetcher.InsecureVerification, StringComparison.Ordinal);
}

/// <summary>
/// The one download path: resolves the expected checksum (given, from Go's download index, or from a
/// <c>URL.sha256</c> sidecar), serves it from the content-addressed store when it is there, otherwise downloads
/// under a lock (resumable, retried) and moves the file into the store only when the digest matches.
/// </summary>
internal sealed class Fetcher(DownloadStore store, FetchPolicy policy) : IDisposable
{
    public const string InsecureVerification = "not verified: --insecure";

    /// <summary>The most a checksum file may hold: sha256sum's line for one file, with room for a long name.</summary>
    private const int SidecarBytes = 4096;

    private readonly HttpTransport transport = new(policy);

    /// <summary>The fetcher for a command: the cache's download store, timeouts from the environment.</summary>
    /// <param name="timeout">--timeout, where the command has it.</param>
    public static Fetcher For(PiBuildPaths paths, Func<string, string?> getVariable, TimeSpan? timeout = null) =>
        new(DownloadStore.For(paths), FetchPolicy.FromEnvironment(getVariable, timeout));

    public DownloadStore Store => store;

    /// <summary>The one HTTP transport, for what is not a file to store (a registry's manifests and logins).</summary>
    public HttpTransport Transport => transport;

    public void Dispose() => transport.Dispose();

    public async Task<FetchResult> FetchAsync(FetchRequest request, IProgress<FetchProgress>? progress, CancellationToken cancellationToken)
    {
        var source = FetchSource.Parse(request.Source);
        var budget = new RetryBudget(policy.Attempts);
        var (expected, verification) = await ExpectedChecksumAsync(source, request, cancellationToken, budget).ConfigureAwait(false);
        store.EnsureWritable();
        if (expected is not null && store.Find(expected) is { } stored)
        {
            return new FetchResult(source.Name, stored, expected, new FileInfo(stored).Length, FetchOrigin.Store, verification);
        }

        if (expected is null && source is RemoteSource && !request.Insecure)
        {
            throw new ConfigurationException(
                $"no checksum is known for {source}: pass --sha256 HEX (or --index URL for Go's downloads); --insecure accepts it unverified and prints its SHA-256");
        }

        var key = expected ?? "url-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(source.ToString()!)))[..32];
        var waiting = DateTime.UtcNow;
        using var held = await store.LockAsync(key, cancellationToken).ConfigureAwait(false);

        // Another pibuild may have finished the same download while this one waited for the lock: by digest, or
        // (unverified, --insecure) by URL, if it finished after this one started waiting.
        if ((expected ?? store.FindByUrl(key, since: waiting)) is { } digest && store.Find(digest) is { } finished)
        {
            return new FetchResult(source.Name, finished, digest, new FileInfo(finished).Length, FetchOrigin.Store, verification.Length > 0 ? verification : InsecureVerification);
        }

        var partial = store.PartialPath(key);
        var (actual, length) = source switch
        {
            RemoteSource remote => await new HttpDownload(transport, progress, budget: budget).RunAsync(remote.Url, partial, source.Name, cancellationToken).ConfigureAwait(false),
            LocalSource local => await CopyLocalAsync(local, partial, cancellationToken).ConfigureAwait(false),
            _ => throw new InvalidOperationException(),
        };

        if (expected is not null && actual != expected)
        {
            PartialDownload.Discard(partial);
            throw new WorkFailedException($"checksum mismatch for {source.Name}: expected {expected}, got {actual}; the download was discarded");
        }

        var path = store.Commit(partial, actual);
        if (expected is null)
        {
            store.RecordUrl(key, actual);
        }

        var origin = source is LocalSource ? FetchOrigin.LocalFile : FetchOrigin.Downloaded;
        return new FetchResult(source.Name, path, actual, length, origin, expected is null ? (source is LocalSource ? "local file, no checksum given" : verification.Length > 0 ? verification : InsecureVerification) : verification);
    }

    /// <summary>
    /// A blob named by its digest (a registry's layer) into the content-addressed store: served from the store when it
    /// is there (a second pull downloads nothing), else downloaded under the digest's lock by the one download path
    /// (resumed, retried, refused as soon as it exceeds <paramref name="size"/>) and stored only when its SHA-256 and
    /// size match.
    /// </summary>
    public async Task<string> FetchBlobAsync(Uri url, string sha256, long size, Action<HttpRequestMessage>? authorize, string name, IProgress<FetchProgress>? progress, CancellationToken cancellationToken)
    {
        store.EnsureWritable();
        using (await store.LockAsync(sha256, cancellationToken).ConfigureAwait(false))
        {
            if (store.Find(sha256) is not { } path)
            {
                var partial = store.PartialPath(sha256);
                var (actual, _) = await new HttpDownload(transport, progress, size, authorize).RunAsync(url, partial, name, cancellationToken).ConfigureAwait(false);
                if (actual != sha256)
                {
                    PartialDownload.Discard(partial);
                    throw new WorkFailedException($"{name} does not match its digest: expected sha256:{sha256}, got sha256:{actual}; the download was discarded");
                }

                path = store.Commit(partial, actual);
            }

            return new FileInfo(path).Length == size
                ? path
                : throw new WorkFailedException($"{name} is {new FileInfo(path).Length} bytes, not the {size} its descriptor declares; the image is malformed");
        }
    }

    /// <summary>
    /// Fetches and unpacks. A local archive is unpacked straight from where it is, its digest checked in the
    /// same pass; a remote one goes through the store first.
    /// </summary>
    public async Task<(FetchResult Fetched, ExtractResult Extracted)> FetchAndExtractAsync(
        FetchRequest request,
        string destination,
        int stripComponents,
        IProgress<FetchProgress>? progress,
        CancellationToken cancellationToken)
    {
        var source = FetchSource.Parse(request.Source);
        if (source is LocalSource local)
        {
            var (expected, verification) = await ExpectedChecksumAsync(source, request, cancellationToken).ConfigureAwait(false);
            RequireExists(local);
            var extracted = await SafeExtractor.ExtractAsync(local.Path, destination, new ExtractOptions(stripComponents, expected, ComputeSha256: true, DisplayName: source.Name), cancellationToken).ConfigureAwait(false);
            var fetched = new FetchResult(source.Name, local.Path, extracted.Sha256 ?? "", new FileInfo(local.Path).Length, FetchOrigin.LocalFile,
                expected is null ? "local file, no checksum given" : verification);
            return (fetched, extracted);
        }

        var result = await FetchAsync(request, progress, cancellationToken).ConfigureAwait(false);
        var unpacked = await SafeExtractor.ExtractAsync(result.Path, destination, new ExtractOptions(stripComponents, DisplayName: result.Name), cancellationToken).ConfigureAwait(false);
        return (result, unpacked);
    }

    /// <param name="budget">The fetch's attempts: a checksum file that is required may use them all; one that is optional
    /// (--insecure) is tried once, its failure counted, so a dead server costs one round of retries in all.</param>
    private async Task<(string? Sha256, string Verification)> ExpectedChecksumAsync(FetchSource source, FetchRequest request, CancellationToken cancellationToken, RetryBudget? budget = null)
    {
        if (request.Sha256 is { } given)
        {
            return (Sha256Hex.Parse(given, "--sha256"), "sha256 matches --sha256");
        }

        if (request.IndexUrl is { } indexUrl)
        {
            var index = await ReadIndexAsync(indexUrl, cancellationToken).ConfigureAwait(false);
            var file = index.Find(source.Name)
                ?? throw new ConfigurationException($"{source.Name} is not listed in the Go download index {indexUrl}; check the file name or pass --sha256");
            return (Sha256Hex.Parse(file.Sha256, $"{indexUrl} ({source.Name})"), "sha256 matches Go's download index");
        }

        if (source is RemoteSource remote)
        {
            // The file's path plus .sha256, its query kept after it (f.bin?x=1 has f.bin.sha256?x=1), as servers name them.
            var sidecar = new UriBuilder(remote.Url);
            sidecar.Path += ".sha256";
            try
            {
                if (await TryReadSidecarAsync(sidecar.Uri, request.Insecure ? new RetryBudget(1) : budget, cancellationToken).ConfigureAwait(false) is { } fromSidecar)
                {
                    return (fromSidecar, $"sha256 matches {Path.GetFileName(sidecar.Uri.AbsolutePath)}");
                }
            }
            catch (WorkFailedException e) when (request.Insecure)
            {
                budget?.TakeFailure();
                // Unverified was asked for: a checksum file that cannot be read is said, not fatal.
                return (null, $"{InsecureVerification} (the checksum file could not be read: {e.InnerException?.Message ?? e.Message})");
            }
        }

        return (null, "");
    }

    /// <summary>Go's download index, from a URL or a local file.</summary>
    public async Task<GoDownloadIndex> ReadIndexAsync(string indexUrl, CancellationToken cancellationToken) =>
        GoDownloadIndex.Parse(await ReadTextAsync(indexUrl, cancellationToken).ConfigureAwait(false), indexUrl);

    /// <summary>A <c>URL.sha256</c> sidecar's digest; null when there is none (404 and the like). Retried like a download.</summary>
    private Task<string?> TryReadSidecarAsync(Uri sidecar, RetryBudget? budget, CancellationToken cancellationToken) =>
        transport.RetryAsync(async attempt =>
        {
            using var response = await transport.GetAsync(sidecar, null, attempt).ConfigureAwait(false);
            HttpTransport.ThrowIfTransient(response);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            // "HEX" or "HEX  filename", as sha256sum writes it: a few bytes. Read at most SidecarBytes, so a server
            // that answers with the file itself (ignoring the name) costs one small read, not the whole file.
            var buffer = new byte[SidecarBytes + 1];
            await using var body = await response.Content.ReadAsStreamAsync(attempt).ConfigureAwait(false);
            var read = await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, attempt).ConfigureAwait(false);
            if (read > SidecarBytes)
            {
                return null;
            }

            var first = Encoding.UTF8.GetString(buffer, 0, read).Split([' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            return Sha256Hex.IsValid(first) ? first!.ToLowerInvariant() : null;
        }, e => new WorkFailedException($"reading the checksum {sidecar} failed after {policy.Attempts} attempts: {e.Message}; try again, or pass --sha256", e), cancellationToken, budget);

    /// <summary>
    /// The most of Go's download index that is read: go.dev's whole index (every release, every file) is a few MiB;
    /// an answer many times that is not an index, and is not read into memory.
    /// </summary>
    internal const int MaxIndexBytes = 64 << 20;

    private async Task<string> ReadTextAsync(string location, CancellationToken cancellationToken)
    {
        if (FetchSource.Parse(location) is LocalSource local)
        {
            RequireExists(local);
            return RegularFile.ReadText(local.Path, "Go's download index", MaxIndexBytes);
        }

        try
        {
            using var response = await transport.GetAsync(new Uri(location), null, cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode
                ? Encoding.UTF8.GetString(await transport.ReadBodyAsync(response, MaxIndexBytes, $"Go's download index {location}", cancellationToken).ConfigureAwait(false))
                : throw new WorkFailedException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase} for {location}; check --index");
        }
        catch (Exception e) when (e is HttpRequestException or TransientFetchException)
        {
            throw new WorkFailedException($"cannot read {location} ({e.Message}); check --index and the network", e);
        }
    }

    /// <summary>A local file copied into the store's partial; on a full disk nothing is kept (a copy starts over anyway).</summary>
    private static async Task<(string Sha256, long Length)> CopyLocalAsync(LocalSource source, string partial, CancellationToken cancellationToken)
    {
        RequireExists(source);
        var size = new FileInfo(source.Path).Length;
        var free = HttpDownload.FreeSpace(partial);
        if (size > free)
        {
            throw NoSpaceFor(source, partial, size, free);
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            await using var input = new HashingReadStream(new FileStream(source.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 0, FileOptions.SequentialScan), hash);
            await using var output = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 0);
            await input.CopyToAsync(output, 1 << 20, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e) when (PosixIOException.Classify(e.HResult) is Errno.NoSpace or Errno.QuotaExceeded)
        {
            PartialDownload.Discard(partial);
            throw NoSpaceFor(source, partial, size, HttpDownload.FreeSpace(partial), e);
        }

        return (Sha256Hex.Of(hash), new FileInfo(partial).Length);
    }

    /// <summary>The store's device and the file by its own name (never the store's internal one), and the way out.</summary>
    private static WorkFailedException NoSpaceFor(LocalSource source, string partial, long size, long free, Exception? inner = null) =>
        new($"no space left in the download cache {Path.GetDirectoryName(Path.GetDirectoryName(partial))} for {source.Name} (needs {size} bytes, has {free}); free some space there or point PIBUILD_CACHE_DIR elsewhere; nothing was kept", inner);

    private static void RequireExists(LocalSource source)
    {
        switch (PosixFiles.KindOf(source.Path))
        {
            case FileKind.Regular:
                return;
            case null:
                throw new ConfigurationException($"{source.Path}: no such file");
            case var kind:
                throw new ConfigurationException($"{source.Path} is {RegularFile.Describe(kind.Value)}, not a file; name the file to fetch");
        }
    }
}
