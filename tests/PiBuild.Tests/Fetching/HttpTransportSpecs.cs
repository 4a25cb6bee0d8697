using System.Net;
using PiBuild.Core;
using PiBuild.Core.Fetching;

namespace PiBuild.Tests.Fetching;

public sealed class HttpTransportSpecs
{
    /// <summary>A body without end that counts what was read of it.</summary>
    private sealed class EndlessStream : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            Array.Fill(buffer, (byte)'x', offset, count);
            BytesRead += count;
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public async Task An_endless_body_is_refused_after_the_cap_and_read_no_further()
    {
        using var transport = new HttpTransport(FetchPolicy.Default);
        var body = new EndlessStream();
        using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(body) };
        var refused = await Assert.ThrowsAsync<WorkFailedException>(() => transport.ReadBodyAsync(response, 4 << 20, "the manifest of r/h", CancellationToken.None));
        Assert.Equal("the manifest of r/h is larger than the 4 MiB pibuild accepts; refused after 4 MiB", refused.Message);
        Assert.InRange(body.BytesRead, (4 << 20) + 1, (4 << 20) + (1 << 17));
    }

    [Fact]
    public async Task A_declared_length_over_the_cap_is_refused_before_a_byte_is_read()
    {
        using var transport = new HttpTransport(FetchPolicy.Default);
        var body = new EndlessStream();
        using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(body) };
        response.Content.Headers.ContentLength = 200L << 20;
        var refused = await Assert.ThrowsAsync<WorkFailedException>(() => transport.ReadBodyAsync(response, 1 << 20, "the token", CancellationToken.None));
        Assert.Contains("refused before reading it", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, body.BytesRead);
    }

    [Theory]
    [InlineData("https://reg.example/v2/", "https://reg.example/v2/x", true)]
    [InlineData("https://reg.example/v2/", "https://cdn.example/blob", false)]
    [InlineData("https://reg.example/v2/", "http://reg.example/v2/x", false)]
    [InlineData("https://reg.example:5000/v2/", "https://reg.example/v2/x", false)]
    public void Credentials_go_only_to_the_origin_they_were_given_for(string origin, string next, bool same) =>
        Assert.Equal(same, HttpTransport.SameOrigin(new Uri(next), new Uri(origin)));

    [Fact]
    public async Task A_server_that_takes_an_upload_and_then_says_nothing_is_given_up_on_after_the_silence_bound()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        using var listener = new HttpListener { Prefixes = { $"http://127.0.0.1:{port}/" } };
        listener.Start();
        var received = Task.Run(async () =>
        {
            // Reads the whole body, then never answers.
            var context = await listener.GetContextAsync();
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            return body.Length;
        });

        var policy = FetchPolicy.Default with { ConnectTimeout = TimeSpan.FromSeconds(1), IdleTimeout = TimeSpan.FromSeconds(1) };
        using var transport = new HttpTransport(policy);
        using var request = new HttpRequestMessage(HttpMethod.Put, $"http://127.0.0.1:{port}/v2/r/blobs/uploads/1") { Content = new ByteArrayContent(new byte[3 << 20]) };

        // The hang guard only: without the bound the answer is awaited forever.
        var silent = await Assert.ThrowsAsync<TransientFetchException>(() => transport.SendOnceAsync(request, CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(2)));

        Assert.Equal("the server sent no answer within 2 s", silent.Message);
        Assert.Equal(3L << 20, await received.WaitAsync(TimeSpan.FromMinutes(2)));
    }
}
