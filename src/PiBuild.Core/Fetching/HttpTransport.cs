using System.Net;
using System.Net.Sockets;
using PiBuild.Core.FileSystem;

namespace PiBuild.Core.Fetching;

/// <summary>
/// pibuild's one HTTP client, for downloads and registries alike, built from a <see cref="FetchPolicy"/>: headers
/// awaited at most the connect and idle timeouts, redirects followed by hand (only between http and https, at most
/// <see cref="FetchPolicy.MaxRedirects"/>, and only for GET and HEAD), credentials sent only to the origin they were
/// given for, retries with backoff, and bodies read within the idle, low-speed and size bounds.
/// </summary>
internal sealed class HttpTransport(FetchPolicy policy) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        AutomaticDecompression = DecompressionMethods.None,
        ConnectTimeout = policy.ConnectTimeout,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),

        // Followed by hand: a redirect out of http(s), in a loop, or to another host gets its own handling.
        AllowAutoRedirect = false,
    })
    {
        // Stalls are bounded by the policy's idle and low-speed limits; a large toolchain may legitimately take long.
        Timeout = Timeout.InfiniteTimeSpan,
        DefaultRequestHeaders = { { "User-Agent", "pibuild" } },
    };

    public FetchPolicy Policy => policy;

    public void Dispose() => _http.Dispose();

    /// <summary>A GET of <paramref name="url"/>, <paramref name="configure"/>d (headers, a range) for each hop.</summary>
    public Task<HttpResponseMessage> GetAsync(Uri url, Action<HttpRequestMessage>? configure, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, url, configure, cancellationToken);

    /// <summary>
    /// Sends one request and follows redirects (GET and HEAD only). An <c>Authorization</c> header goes only to the
    /// scheme, host and port of <paramref name="url"/>: a redirect elsewhere (a CDN, another host, http) drops it.
    /// Connection failures and silence are <see cref="TransientFetchException"/>s for <see cref="RetryAsync{T}"/>.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri url, Action<HttpRequestMessage>? configure, CancellationToken cancellationToken)
    {
        var current = url;
        for (var redirects = 0; ; redirects++)
        {
            using var request = new HttpRequestMessage(method, current);
            configure?.Invoke(request);
            if (!SameOrigin(current, url))
            {
                request.Headers.Authorization = null;
            }

            var response = await SendOnceAsync(request, cancellationToken).ConfigureAwait(false);
            if (method != HttpMethod.Get && method != HttpMethod.Head
                || (int)response.StatusCode is not (301 or 302 or 303 or 307 or 308) || response.Headers.Location is not { } location)
            {
                return response;
            }

            response.Dispose();
            var next = location.IsAbsoluteUri ? location : new Uri(current, location);
            if (next.Scheme is not ("http" or "https"))
            {
                throw new WorkFailedException($"refusing a redirect from {current.Scheme} to {next.Scheme}:// ({ArchiveName.Display(next.OriginalString)}) for {url}");
            }

            if (redirects + 1 > FetchPolicy.MaxRedirects)
            {
                throw new WorkFailedException($"too many redirects ({redirects + 1}) for {url}; the server redirects in a loop");
            }

            current = next;
        }
    }

    /// <summary>One request, without redirects: a request with content (a PUT of a blob) is sent exactly once.</summary>
    public async Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var silence = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // An upload's body goes out before the answer: its bound starts on the silence after the last byte is sent.
        if (request.Content is { } body)
        {
            request.Content = new AfterBody(body, () => silence.CancelAfter(policy.ConnectTimeout + policy.IdleTimeout));
        }
        else
        {
            silence.CancelAfter(policy.ConnectTimeout + policy.IdleTimeout);
        }

        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, silence.Token).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData })
        {
            throw new WorkFailedException($"cannot resolve the host of {request.RequestUri} ({e.Message}); check the address and the network", e);
        }
        catch (HttpRequestException e)
        {
            throw new TransientFetchException(e.InnerException?.Message ?? e.Message, e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TransientFetchException($"the server sent no answer within {Seconds(policy.ConnectTimeout + policy.IdleTimeout)}", e);
        }
    }

    /// <summary>
    /// Runs <paramref name="attempt"/> up to the policy's attempts, waiting with backoff after each transient failure;
    /// the last one becomes the exception <paramref name="exhausted"/> makes of it.
    /// </summary>
    public async Task<T> RetryAsync<T>(Func<CancellationToken, Task<T>> attempt, Func<TransientFetchException, Exception> exhausted, CancellationToken cancellationToken, RetryBudget? budget = null)
    {
        budget ??= new RetryBudget(policy.Attempts);
        while (true)
        {
            try
            {
                return await attempt(cancellationToken).ConfigureAwait(false);
            }
            catch (TransientFetchException) when (budget.TakeFailure())
            {
                await Task.Delay(policy.DelayBefore(budget.Failed), cancellationToken).ConfigureAwait(false);
            }
            catch (TransientFetchException e)
            {
                throw exhausted(e);
            }
        }
    }

    /// <summary>
    /// A body read into memory: at most <paramref name="cap"/> bytes (a larger one is refused as soon as it is larger,
    /// whatever Content-Length said), each read within the idle timeout, the whole at no less than the low-speed
    /// limit. A status, a slow drip or a cut connection is transient; an oversized body is not.
    /// </summary>
    public async Task<byte[]> ReadBodyAsync(HttpResponseMessage response, int cap, string what, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength is { } declared && declared > cap)
        {
            throw new WorkFailedException($"{what} is {declared} bytes, more than the {Size(cap)} pibuild accepts; refused before reading it");
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[Math.Min(cap + 1, 1 << 16)];
        var pace = new LowSpeedWatch(policy);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            while (true)
            {
                idle.CancelAfter(policy.IdleTimeout);
                var read = await body.ReadAsync(chunk, idle.Token).ConfigureAwait(false);
                idle.CancelAfter(Timeout.InfiniteTimeSpan);
                if (read == 0)
                {
                    return buffer.ToArray();
                }

                if (buffer.Length + read > cap)
                {
                    throw new WorkFailedException($"{what} is larger than the {Size(cap)} pibuild accepts; refused after {Size(cap)}");
                }

                buffer.Write(chunk, 0, read);
                if (pace.TooSlowAfter(read))
                {
                    throw new TransientFetchException($"{what} came {pace.Limit} ({buffer.Length} bytes so far)");
                }
            }
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TransientFetchException($"the server sent nothing for {Seconds(policy.IdleTimeout)} in {what} after {buffer.Length} bytes", e);
        }
        catch (Exception e) when (e is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            throw new TransientFetchException($"the connection broke in {what} after {buffer.Length} bytes ({e.Message})", e);
        }
    }

    /// <summary>
    /// An answer worth another attempt (408, 429, 5xx: the server's load, not the request) becomes a
    /// <see cref="TransientFetchException"/> for <see cref="RetryAsync{T}"/>.
    /// </summary>
    public static void ThrowIfTransient(HttpResponseMessage response, string? when = null)
    {
        if ((int)response.StatusCode is 408 or 429 or >= 500)
        {
            throw new TransientFetchException($"HTTP {(int)response.StatusCode} {ArchiveName.Display(response.ReasonPhrase ?? "")}{(when is null ? "" : " " + when)}");
        }
    }

    /// <summary>The same scheme, host and port: where credentials meant for <paramref name="origin"/> may go.</summary>
    public static bool SameOrigin(Uri uri, Uri origin) =>
        uri.Scheme == origin.Scheme && string.Equals(uri.IdnHost, origin.IdnHost, StringComparison.OrdinalIgnoreCase) && uri.Port == origin.Port;

    public static string Seconds(TimeSpan time) => $"{time.TotalSeconds:0.###} s";

    private static string Size(long bytes) => bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? $"{bytes >> 20} MiB" : bytes >= 1 << 10 && bytes % (1 << 10) == 0 ? $"{bytes >> 10} KiB" : $"{bytes} bytes";

    /// <summary>A request body that says when its last byte has been handed to the connection.</summary>
    private sealed class AfterBody : HttpContent
    {
        private readonly HttpContent _inner;
        private readonly Action _sent;

        public AfterBody(HttpContent inner, Action sent)
        {
            (_inner, _sent) = (inner, sent);
            foreach (var (name, values) in inner.Headers)
            {
                Headers.TryAddWithoutValidation(name, values);
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            await _inner.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
            _sent();
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _inner.Headers.ContentLength ?? -1;
            return length >= 0;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
