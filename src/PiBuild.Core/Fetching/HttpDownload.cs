using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using PiBuild.Core.Streams;

namespace PiBuild.Core.Fetching;

/// <summary>How hard a download tries before it gives up.</summary>
internal sealed record RetryPolicy(int Attempts, TimeSpan FirstDelay)
{
    public static RetryPolicy Default { get; } = new(6, TimeSpan.FromMilliseconds(500));

    public TimeSpan DelayBefore(int attempt) => FirstDelay * Math.Pow(2, attempt - 1);
}

/// <summary>
/// Streams one URL into a <c>.partial</c> file, hashing the bytes as they arrive. After a broken connection it
/// resumes with <c>Range</c> + <c>If-Range</c>, and starts over when the server ignores the range or the file
/// changed. Transient failures (connection errors, 5xx, 408, 429) are retried with exponential backoff.
/// </summary>
internal sealed class HttpDownload(HttpClient http, RetryPolicy retry, IProgress<FetchProgress>? progress)
{
    private const int BufferSize = 1 << 20;

    public async Task<(string Sha256, long Length)> RunAsync(Uri url, string partialPath, string name, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await AttemptAsync(url, partialPath, name, cancellationToken).ConfigureAwait(false);
            }
            catch (TransientFetchException) when (attempt < retry.Attempts)
            {
                await Task.Delay(retry.DelayBefore(attempt), cancellationToken).ConfigureAwait(false);
            }
            catch (TransientFetchException e)
            {
                throw new WorkFailedException($"downloading {url} failed after {retry.Attempts} attempts: {e.Message}; run the same command again to resume", e);
            }
        }
    }

    private async Task<(string Sha256, long Length)> AttemptAsync(Uri url, string partialPath, string name, CancellationToken cancellationToken)
    {
        var (known, have) = ResumePoint(url, partialPath);
        using var response = await SendAsync(url, known, have, cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        CheckStatus(response, url, partialPath);

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
        Directory.CreateDirectory(Path.GetDirectoryName(partialPath)!);
        new PartialDownload(url.AbsoluteUri, etag, lastModified, total).Write(partialPath);
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

    private async Task<HttpResponseMessage> SendAsync(Uri url, PartialDownload? known, long have, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (have > 0)
        {
            request.Headers.Range = new RangeHeaderValue(have, null);
            request.Headers.TryAddWithoutValidation("If-Range", known!.ETag ?? known.LastModified);
        }

        try
        {
            return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData })
        {
            throw new WorkFailedException($"cannot resolve the host of {url} ({e.Message}); check the URL and the network", e);
        }
        catch (HttpRequestException e)
        {
            throw new TransientFetchException(e.Message, e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TransientFetchException("the server did not answer in time", e);
        }
    }

    private static void CheckStatus(HttpResponseMessage response, Uri url, string partialPath)
    {
        var status = (int)response.StatusCode;
        if (status == 416)
        {
            PartialDownload.Discard(partialPath);
            throw new TransientFetchException("the server refused to resume (416); starting over");
        }

        if (status is 408 or 429 or >= 500)
        {
            throw new TransientFetchException($"HTTP {status} {response.ReasonPhrase}");
        }

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

        await using var output = new FileStream(partialPath, have > 0 ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 0);
        var received = have;
        var clock = Stopwatch.StartNew();
        var buffer = new byte[BufferSize];
        try
        {
            await using var body = new HashingReadStream(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), hash);
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                received += read;
                progress?.Report(new FetchProgress(name, received, total, (received - have) / Math.Max(clock.Elapsed.TotalSeconds, 0.001)));
            }
        }
        catch (Exception e) when (e is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            // The bytes so far stay in the .partial; the next attempt asks for the rest.
            throw new TransientFetchException($"the connection broke after {received} bytes ({e.Message})", e);
        }

        if (total is { } expected && received != expected)
        {
            throw new TransientFetchException($"the server sent {received} of {expected} bytes");
        }

        return (Sha256Hex.Of(hash), received);
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

/// <summary>A failure worth another attempt: the connection, the server's load, a broken transfer.</summary>
internal sealed class TransientFetchException(string message, Exception? inner = null) : Exception(message, inner);
