using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace PiBuild.IntegrationTests.Infrastructure;

/// <summary>How one served file misbehaves. Counts apply to the first requests for it.</summary>
public sealed record Misbehaviour
{
    /// <summary>Close the connection after this many body bytes, for the first <see cref="DropTimes"/> requests.</summary>
    public long? DropAfterBytes { get; init; }

    public int DropTimes { get; init; } = 1;

    /// <summary>Answer this status for the first <see cref="FailTimes"/> requests.</summary>
    public int? FailStatus { get; init; }

    public int FailTimes { get; init; } = 1;

    /// <summary>Answer every request with the whole file, as servers without range support do.</summary>
    public bool IgnoreRange { get; init; }

    /// <summary>Declare this Content-Length whatever the body is, for the first <see cref="DropTimes"/> requests.</summary>
    public long? DeclaredLength { get; init; }

    /// <summary>After this many requests, serve <see cref="ReplacementContent"/> (with a new ETag) instead.</summary>
    public int? ReplaceAfterRequests { get; init; }

    public byte[]? ReplacementContent { get; init; }

    /// <summary>Pause between chunks of <see cref="ChunkSize"/> bytes.</summary>
    public TimeSpan ChunkDelay { get; init; }

    public int ChunkSize { get; init; } = 64 * 1024;

    /// <summary>Read the request and never answer, for the first <see cref="SilentTimes"/> requests.</summary>
    public int SilentTimes { get; init; }

    /// <summary>Send this many body bytes and then nothing, keeping the connection open, for the first <see cref="DropTimes"/> requests.</summary>
    public long? StallAfterBytes { get; init; }

    /// <summary>Answer 302 with this Location (absolute or relative) instead of the file.</summary>
    public string? RedirectTo { get; init; }

    /// <summary>Answer this status (with the content as its body) instead of 200.</summary>
    public int? Status { get; init; }

    /// <summary>More header lines ("Name: value"), as a registry sends Content-Type and WWW-Authenticate.</summary>
    public IReadOnlyList<string> Headers { get; init; } = [];

    /// <summary>Send the content again and again, without end and without a Content-Length.</summary>
    public bool Endless { get; init; }
}

/// <summary>
/// A real HTTP/1.1 server on 127.0.0.1, written on raw sockets so it can misbehave in ways a production
/// server refuses to: drop connections mid-body, lie about Content-Length, ignore Range, change a file
/// between requests. It records every request it gets.
/// </summary>
public sealed class TestHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, (byte[] Content, Misbehaviour Behaviour)> _files = new();
    private readonly ConcurrentDictionary<string, int> _requests = new();
    private readonly ConcurrentQueue<(string Path, string? Range)> _log = new();
    private readonly ConcurrentQueue<string> _authorizations = new();
    private readonly ConcurrentDictionary<string, long> _sent = new();
    private readonly Task _accepting;

    public TestHttpServer(IPAddress? address = null)
    {
        _listener = new TcpListener(address ?? IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Url(string path) => $"http://{Address}/{path.TrimStart('/')}";

    /// <summary>"127.0.0.1:PORT": where the server listens.</summary>
    public string Address => $"{((IPEndPoint)_listener.LocalEndpoint).Address}:{Port}";

    /// <summary>How many requests reached the server at all.</summary>
    public int TotalRequests => _log.Count;

    /// <summary>Every Authorization header the server was sent, in order.</summary>
    public IReadOnlyList<string> Authorizations => [.. _authorizations];

    /// <summary>Body bytes sent for a path, over all its requests (an endless answer stops when the client hangs up).</summary>
    public long BytesSent(string path) => _sent.GetValueOrDefault("/" + path.TrimStart('/'));

    public void Serve(string path, byte[] content, Misbehaviour? behaviour = null) =>
        _files["/" + path.TrimStart('/')] = (content, behaviour ?? new Misbehaviour());

    public int RequestCount(string path) => _requests.GetValueOrDefault("/" + path.TrimStart('/'));

    public IReadOnlyList<string?> RangesRequested(string path) =>
        _log.Where(r => r.Path == "/" + path.TrimStart('/')).Select(r => r.Range).ToArray();

    public static string ETagOf(byte[] content) => $"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..16]}\"";

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping the listener ends the accept loop.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = Task.Run(() => HandleAsync(client));
        }
    }

    private async Task HandleAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var head = await ReadHeadAsync(stream);
                if (head is null)
                {
                    return;
                }

                var lines = head.Split("\r\n");
                var path = lines[0].Split(' ')[1].Split('?')[0];
                var headers = lines.Skip(1).Where(l => l.Contains(':'))
                    .ToDictionary(l => l[..l.IndexOf(':')].Trim().ToLowerInvariant(), l => l[(l.IndexOf(':') + 1)..].Trim());
                var count = _requests.AddOrUpdate(path, 1, (_, n) => n + 1);
                _log.Enqueue((path, headers.GetValueOrDefault("range")));
                if (headers.GetValueOrDefault("authorization") is { } authorization)
                {
                    _authorizations.Enqueue(authorization);
                }

                await RespondAsync(client, stream, path, headers, count);
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
            {
                // The client went away; nothing to answer.
            }
        }
    }

    private async Task RespondAsync(TcpClient client, NetworkStream stream, string path, Dictionary<string, string> headers, int count)
    {
        if (!_files.TryGetValue(path, out var file))
        {
            await WriteAsync(stream, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            return;
        }

        var (content, behaviour) = file;
        if (count <= behaviour.SilentTimes)
        {
            await Task.Delay(Timeout.Infinite, _stop.Token);
        }

        if (behaviour.RedirectTo is { } location)
        {
            await WriteAsync(stream, $"HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            return;
        }

        var extra = string.Concat(behaviour.Headers.Select(h => h + "\r\n"));
        if (behaviour.Endless)
        {
            await WriteAsync(stream, $"HTTP/1.1 {behaviour.Status ?? 200} As Told\r\n{extra}Connection: close\r\n\r\n");
            while (!_stop.IsCancellationRequested)
            {
                await stream.WriteAsync(content);
                _sent.AddOrUpdate(path, content.Length, (_, n) => n + content.Length);
                if (behaviour.ChunkDelay > TimeSpan.Zero)
                {
                    await Task.Delay(behaviour.ChunkDelay, _stop.Token);
                }
            }

            return;
        }

        if (behaviour.Status is { } answer)
        {
            await WriteAsync(stream, $"HTTP/1.1 {answer} As Told\r\n{extra}Content-Length: {content.Length}\r\nConnection: close\r\n\r\n");
            await stream.WriteAsync(content);
            return;
        }

        if (behaviour.FailStatus is { } status && count <= behaviour.FailTimes)
        {
            await WriteAsync(stream, $"HTTP/1.1 {status} Failing On Purpose\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            return;
        }

        if (behaviour.ReplaceAfterRequests is { } after && count > after)
        {
            content = behaviour.ReplacementContent!;
        }

        var etag = ETagOf(content);
        long start = 0;
        if (!behaviour.IgnoreRange && headers.TryGetValue("range", out var range) && range.StartsWith("bytes=", StringComparison.Ordinal)
            && (!headers.TryGetValue("if-range", out var ifRange) || ifRange == etag))
        {
            start = long.Parse(range["bytes=".Length..].TrimEnd('-'), System.Globalization.CultureInfo.InvariantCulture);
        }

        var body = content.AsMemory((int)start);
        var builder = new StringBuilder(start > 0 ? "HTTP/1.1 206 Partial Content\r\n" : "HTTP/1.1 200 OK\r\n");
        var lie = behaviour.DeclaredLength is { } declared && count <= behaviour.DropTimes ? declared : body.Length;
        builder.Append($"Content-Length: {lie}\r\n");
        if (start > 0)
        {
            builder.Append($"Content-Range: bytes {start}-{content.Length - 1}/{content.Length}\r\n");
        }

        builder.Append(extra);
        builder.Append($"ETag: {etag}\r\nLast-Modified: Tue, 01 Jul 2025 10:00:00 GMT\r\nAccept-Ranges: bytes\r\nConnection: close\r\n\r\n");
        await WriteAsync(stream, builder.ToString());

        var limit = (behaviour.DropAfterBytes ?? behaviour.StallAfterBytes) is { } drop && count <= behaviour.DropTimes ? Math.Min(drop, body.Length) : body.Length;
        for (var sent = 0L; sent < limit;)
        {
            var chunk = (int)Math.Min(behaviour.ChunkSize, limit - sent);
            await stream.WriteAsync(body.Slice((int)sent, chunk));
            sent += chunk;
            _sent.AddOrUpdate(path, chunk, (_, n) => n + chunk);
            if (behaviour.ChunkDelay > TimeSpan.Zero)
            {
                await Task.Delay(behaviour.ChunkDelay);
            }
        }

        if (limit < body.Length && behaviour.StallAfterBytes is not null)
        {
            // Silence with the connection open, as a stuck proxy or a dead peer behind NAT gives.
            await Task.Delay(Timeout.Infinite, _stop.Token);
        }

        if (limit < body.Length)
        {
            // Cut the connection mid-body, as a broken network does.
            client.Client.LingerState = new LingerOption(true, 0);
            client.Client.Close();
        }
    }

    private static async Task WriteAsync(NetworkStream stream, string text) => await stream.WriteAsync(Encoding.ASCII.GetBytes(text));

    private static async Task<string?> ReadHeadAsync(NetworkStream stream)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        while (await stream.ReadAsync(one) == 1)
        {
            if (buffer.Count == 0 && one[0] == 0x16)
            {
                // A TLS ClientHello: this server speaks plain HTTP only, and hangs up as plain servers do.
                return null;
            }

            buffer.Add(one[0]);
            if (buffer.Count >= 4 && buffer[^4] == '\r' && buffer[^3] == '\n' && buffer[^2] == '\r' && buffer[^1] == '\n')
            {
                return Encoding.ASCII.GetString(buffer.ToArray());
            }
        }

        return null;
    }
}
