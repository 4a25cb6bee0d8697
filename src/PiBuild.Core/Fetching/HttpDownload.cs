using System.Buffers;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Threading.Channels;
using PiBuild.Core.Digests;
using PiBuild.Core.Streams;

namespace PiBuild.Core.Fetching;

/// <summary>
/// Streams one URL into a <c>.partial</c> file, hashing the bytes as they arrive. After a broken connection it
/// resumes with <c>Range</c> + <c>If-Range</c>, and starts over when the server ignores the range or the file
/// changed. Transient failures (connection errors, 5xx, 408, 429) are retried with exponential backoff.
/// </summary>
/// <param name="maxBytes">The most the file may be (a blob's declared size): a larger one is refused as soon as it is larger.</param>
/// <param name="authorize">Adds credentials to each request (a registry's token); the transport keeps them to their origin.</param>
/// <param name="budget">The attempts left to the whole fetch (the checksum file may have used some); its own when null.</param>
internal sealed class HttpDownload(HttpTransport transport, IProgress<FetchProgress>? progress, long? maxBytes = null, Action<HttpRequestMessage>? authorize = null, RetryBudget? budget = null)
{
    private readonly FetchPolicy policy = transport.Policy;

    private const int BufferSize = 1 << 20;

    public async Task<(string Sha256, long Length)> RunAsync(Uri url, string partialPath, string name, CancellationToken cancellationToken)
    {
        var attempts = budget ?? new RetryBudget(policy.Attempts);
        try
        {
            // The transport's one retry loop: each attempt resumes from what the last one kept.
            return await transport.RetryAsync(attempt => AttemptAsync(url, partialPath, name, attempt), e =>
            {
                // Resuming is offered only where there is something to resume from.
                var next = new FileInfo(partialPath) is { Exists: true, Length: > 0 } kept
                    ? $"run the same command again to resume ({kept.Length} bytes kept)"
                    : "nothing was kept; check the address and the server, then try again";
                return new WorkFailedException($"downloading {url} failed after {attempts.Failed} attempts: {e.Message}; {next}", e);
            }, cancellationToken, attempts).ConfigureAwait(false);
        }
        catch (DiskFullException e)
        {
            throw new WorkFailedException(e.Message, e);
        }
        catch (OversizedException e)
        {
            PartialDownload.Discard(partialPath);
            throw new WorkFailedException(e.Message, e);
        }
    }

    private async Task<(string Sha256, long Length)> AttemptAsync(Uri url, string partialPath, string name, CancellationToken cancellationToken)
    {
        var (known, have) = ResumePoint(url, partialPath);
        using var response = await SendAsync(url, known, have, cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        CheckStatus(response, url, partialPath, authorize is not null);

        var etag = response.Headers.ETag?.ToString();
        var lastModified = response.Content.Headers.LastModified?.ToString("R");
        if (have > 0 && !(status == 206 && ResumesAt(response, have) && SameFile(known!, etag, lastModified, response)))
        {
            // A full answer (the server ignored Range, or the file changed), or a 206 we cannot trust.
            PartialDownload.Discard(partialPath);
            have = 0;
            if (status == 206)
            {
                throw new TransientFetchException("the server answered a range that does not match what is on disk; starting over");
            }
        }

        var total = response.Content.Headers.ContentLength is { } length ? have + length : (long?)null;
        if (total > maxBytes)
        {
            PartialDownload.Discard(partialPath);
            throw new WorkFailedException($"{name} is {total} bytes where {maxBytes} were declared; refused before reading it");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(partialPath)!);
        try
        {
            new PartialDownload(url.AbsoluteUri, etag, lastModified, total).Write(partialPath);
        }
        catch (IOException e) when (FileSystem.PosixIOException.Classify(e.HResult) is FileSystem.Errno.NoSpace or FileSystem.Errno.QuotaExceeded)
        {
            throw new DiskFullException(partialPath, name, total ?? 1, FreeSpace(partialPath), e);
        }
        return await ReceiveAsync(response, partialPath, name, have, total, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What is on disk from an earlier attempt, and whether its validators let it be resumed.</summary>
    private static (PartialDownload? Known, long Have) ResumePoint(Uri url, string partialPath)
    {
        var known = PartialDownload.Read(partialPath);
        var have = File.Exists(partialPath) ? new FileInfo(partialPath).Length : 0;
        if (have > 0 && (known is null || known.Url != url.AbsoluteUri || (known.ETag is null && known.LastModified is null)))
        {
            // Nothing proves these bytes belong to the file the server has now.
            PartialDownload.Discard(partialPath);
            return (null, 0);
        }

        return (known, have);
    }

    private Task<HttpResponseMessage> SendAsync(Uri url, PartialDownload? known, long have, CancellationToken cancellationToken) =>
        transport.GetAsync(url, request =>
        {
            authorize?.Invoke(request);
            if (have > 0)
            {
                request.Headers.Range = new RangeHeaderValue(have, null);
                request.Headers.TryAddWithoutValidation("If-Range", known!.ETag ?? known.LastModified);
            }
        }, cancellationToken);

    private static string Seconds(TimeSpan time) => HttpTransport.Seconds(time);

    private static void CheckStatus(HttpResponseMessage response, Uri url, string partialPath, bool authorized)
    {
        var status = (int)response.StatusCode;
        if (status == 416)
        {
            PartialDownload.Discard(partialPath);
            throw new TransientFetchException("the server refused to resume (416); starting over");
        }

        if (status == 401 && authorized)
        {
            // What was kept stays for the resume that follows a renewed login.
            throw new CredentialsExpiredException(url, response.Headers.WwwAuthenticate.FirstOrDefault());
        }

        HttpTransport.ThrowIfTransient(response);
        if (!response.IsSuccessStatusCode)
        {
            throw new WorkFailedException($"HTTP {status} {response.ReasonPhrase} for {url}; check the URL");
        }
    }

    /// <summary>Appends the body to the partial file (after the <paramref name="have"/> bytes already there) and hashes all of it.</summary>
    private async Task<(string Sha256, long Length)> ReceiveAsync(HttpResponseMessage response, string partialPath, string name, long have, long? total, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        if (have > 0)
        {
            // The bytes of the earlier attempts are part of the file: the digest covers them too.
            await using var existing = new HashingReadStream(new FileStream(partialPath, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize), hash);
            await existing.DrainAsync(cancellationToken).ConfigureAwait(false);
        }

        var available = FreeSpace(partialPath);
        if (total is { } size && size - have > available)
        {
            throw new DiskFullException(partialPath, name, size - have, available);
        }

        await using var output = OpenPartial(partialPath, name, have);
        var received = have;
        var pace = new LowSpeedWatch(policy);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        // SHA-256 runs on another core while the next bytes arrive: inline, it was a third of a loopback download.
        var chunks = Channel.CreateBounded<(byte[] Buffer, int Length)>(8);
        var hashing = Task.Run(async () =>
        {
            await foreach (var (chunk, length) in chunks.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                hash.AppendData(chunk, 0, length);
                ArrayPool<byte>.Shared.Return(chunk);
            }
        }, CancellationToken.None);
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            while (true)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
                idle.CancelAfter(policy.IdleTimeout);
                var read = await body.ReadAsync(buffer, idle.Token).ConfigureAwait(false);
                idle.CancelAfter(Timeout.InfiniteTimeSpan);
                if (read == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    break;
                }

                if (received + read > maxBytes)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    throw new OversizedException($"{name} is larger than the {maxBytes} bytes declared for it; refused after {maxBytes} bytes");
                }

                await WriteAsync(output, buffer.AsMemory(0, read), partialPath, name, total is null ? read : total.Value - received, cancellationToken).ConfigureAwait(false);
                await chunks.Writer.WriteAsync((buffer, read), cancellationToken).ConfigureAwait(false);
                received += read;
                progress?.Report(new FetchProgress(name, received, total, (received - have) / Math.Max(pace.Elapsed.TotalSeconds, 0.001)));
                if (pace.TooSlowAfter(read))
                {
                    throw new TransientFetchException($"the transfer was {pace.Limit} ({received} bytes so far)");
                }
            }
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TransientFetchException($"the server sent nothing for {Seconds(policy.IdleTimeout)} after {received} bytes", e);
        }
        catch (Exception e) when (e is IOException or HttpRequestException && e is not DiskFullException and not OversizedException && !cancellationToken.IsCancellationRequested)
        {
            // The bytes so far stay in the .partial; the next attempt asks for the rest.
            throw new TransientFetchException($"the connection broke after {received} bytes ({e.Message})", e);
        }
        finally
        {
            chunks.Writer.TryComplete();
            await hashing.ConfigureAwait(false);
        }

        if (total is { } expected && received != expected)
        {
            throw new TransientFetchException($"the server sent {received} of {expected} bytes");
        }

        return (Sha256Hex.Of(hash), received);
    }

    private static FileStream OpenPartial(string partialPath, string name, long have)
    {
        try
        {
            return new FileStream(partialPath, have > 0 ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 0);
        }
        catch (IOException e) when (FileSystem.PosixIOException.Classify(e.HResult) is FileSystem.Errno.NoSpace or FileSystem.Errno.QuotaExceeded)
        {
            throw new DiskFullException(partialPath, name, 1, FreeSpace(partialPath), e);
        }
    }

    /// <summary>Writes to the partial file; a full disk is not a network failure and is not retried.</summary>
    private static async Task WriteAsync(FileStream output, ReadOnlyMemory<byte> data, string partialPath, string name, long stillNeeded, CancellationToken cancellationToken)
    {
        try
        {
            await output.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e) when (FileSystem.PosixIOException.Classify(e.HResult) is FileSystem.Errno.NoSpace or FileSystem.Errno.QuotaExceeded)
        {
            throw new DiskFullException(partialPath, name, stillNeeded, FreeSpace(partialPath), e);
        }
    }

    internal static long FreeSpace(string path)
    {
        try
        {
            return new DriveInfo(Path.GetDirectoryName(path)!).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return long.MaxValue;
        }
    }

    private static bool ResumesAt(HttpResponseMessage response, long have) =>
        response.Content.Headers.ContentRange is { From: { } from, HasRange: true } && from == have;

    private static bool SameFile(PartialDownload known, string? etag, string? lastModified, HttpResponseMessage response)
    {
        var totalMatches = known.Length is null || response.Content.Headers.ContentRange?.Length is not { } total || total == known.Length;
        var validatorMatches = known.ETag is not null ? known.ETag == etag : known.LastModified == lastModified;
        return totalMatches && validatorMatches;
    }
}

/// <summary>The disk filled while downloading: what a resume needs is kept, and retrying would not help.</summary>
internal sealed class DiskFullException(string partialPath, string name, long needed, long available, Exception? inner = null)
    : IOException(DiskFullMessage(partialPath, name, needed, available), inner)
{
    private static string DiskFullMessage(string partialPath, string name, long needed, long available)
    {
        var device = Path.GetDirectoryName(partialPath)!;
        try
        {
            device = new DriveInfo(device).Name;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            // The directory names the place well enough.
        }

        return $"no space left on {device} for {name} (needs {needed} bytes more, has {available}); free some space and run the same command again to resume";
    }
}

/// <summary>
/// A 401 to a request that carried credentials (a registry token that expired during a long pull): the caller may
/// answer <paramref name="Challenge"/> again and resume; another attempt with the same credentials would not help.
/// </summary>
internal sealed class CredentialsExpiredException(Uri url, AuthenticationHeaderValue? challenge)
    : Exception($"{url} no longer accepts the credentials it was sent (HTTP 401)")
{
    public AuthenticationHeaderValue? Challenge { get; } = challenge;
}

/// <summary>More bytes than were declared: a hostile or broken server, not worth another attempt.</summary>
internal sealed class OversizedException(string message) : IOException(message);

/// <summary>A failure worth another attempt: the connection, the server's load, a broken transfer.</summary>
internal sealed class TransientFetchException(string message, Exception? inner = null) : Exception(message, inner);
