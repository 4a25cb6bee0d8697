using System.Net;
using System.Net.Sockets;
using System.Text;
using PiBuild.Core;
using PiBuild.Core.Addresses;
using PiBuild.Core.Fetching;
using PiBuild.Core.Images;

namespace PiBuild.Tests.Images;

/// <summary>
/// How pibuild logs in to a registry, against a small real one on loopback (the BCL's HttpListener, plain HTTP as a
/// loopback registry may be): which header goes where, and the one line for each way a login fails. What only the
/// registry tests (Debian's docker-registry behind a token service) showed, in milliseconds.
/// </summary>
public sealed class RegistryAuthenticationSpecs : IDisposable
{
    private const string Token = "t0k3n.abc-DEF_42";

    /// <summary>Answers each request with what <see cref="Answer"/> says, and keeps every request's path, query and Authorization.</summary>
    private sealed class TinyRegistry : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly List<(string Path, string Query, string? Authorization)> _requests = [];
        private readonly Task _serving;

        public TinyRegistry()
        {
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                Port = ((IPEndPoint)probe.LocalEndpoint).Port;
            }

            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            _listener.Start();
            _serving = Task.Run(ServeAsync);
        }

        public int Port { get; }

        public Func<string, string?, (HttpStatusCode Status, string? Challenge, string Body)> Answer { get; set; } = (_, _) => (HttpStatusCode.OK, null, "{}");

        public IReadOnlyList<(string Path, string Query, string? Authorization)> Requests
        {
            get
            {
                lock (_requests)
                {
                    return [.. _requests];
                }
            }
        }

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                var authorization = context.Request.Headers["Authorization"];
                var path = context.Request.Url!.AbsolutePath;
                lock (_requests)
                {
                    _requests.Add((path, context.Request.Url.Query, authorization));
                }

                var (status, challenge, body) = Answer(path, authorization);
                context.Response.StatusCode = (int)status;
                if (challenge is not null)
                {
                    context.Response.AddHeader("WWW-Authenticate", challenge);
                }

                var bytes = Encoding.UTF8.GetBytes(body);
                context.Response.ContentType = "application/json";
                context.Response.ContentLength64 = bytes.Length;
                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            }
        }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            _serving.Wait(TimeSpan.FromSeconds(30));
        }
    }

    private readonly TempDirectory _dir = new();
    private readonly TinyRegistry _registry = new();
    private readonly Fetcher _fetcher;

    public RegistryAuthenticationSpecs() => _fetcher = new Fetcher(new DownloadStore(_dir.Combine("downloads")), FetchPolicy.Default);

    private static readonly RegistryCredentials Login = new("ci", "s3cret", RegistryCredentials.Variable);

    private static string Basic(string user, string password) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    private RegistryClient Client(RegistryCredentials? credentials) =>
        new(ImageReference.Parse($"127.0.0.1:{_registry.Port}/team/sensord:1.0"), credentials, _fetcher);

    /// <summary>A registry behind a token service on the same host, as distribution's own setup is: the token for the right login only.</summary>
    private void BehindTokenService(string token = Token) => _registry.Answer = (path, authorization) => path switch
    {
        "/token" when authorization == Basic("ci", "s3cret") => (HttpStatusCode.OK, null, $"{{\"token\":{System.Text.Json.JsonSerializer.Serialize(token)}}}"),
        "/token" => (HttpStatusCode.Unauthorized, null, "{}"),
        _ when authorization == $"Bearer {Token}" => (HttpStatusCode.OK, null, "{}"),
        _ => (HttpStatusCode.Unauthorized, $"Bearer realm=\"http://127.0.0.1:{_registry.Port}/token\",service=\"tiny\",scope=\"repository:team/sensord:pull,push\"", "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}"),
    };

    [Fact]
    public async Task The_login_goes_to_the_token_service_alone_and_the_registry_sees_only_the_token()
    {
        BehindTokenService();

        await Client(Login).CheckCanPushAsync(CancellationToken.None);

        var token = Assert.Single(_registry.Requests, r => r.Path == "/token");
        Assert.Equal(Basic("ci", "s3cret"), token.Authorization);
        Assert.Contains("scope=repository%3Ateam%2Fsensord%3Apull%2Cpush", token.Query, StringComparison.Ordinal);
        Assert.Contains("service=tiny", token.Query, StringComparison.Ordinal);
        var registry = _registry.Requests.Where(r => r.Path != "/token").ToArray();
        Assert.All(registry, r => Assert.True(r.Authorization is null or $"Bearer {Token}", $"the registry was sent '{r.Authorization}'"));
        Assert.Equal($"Bearer {Token}", registry[^1].Authorization);
    }

    [Fact]
    public async Task A_wrong_password_is_one_line_naming_the_user_and_where_the_login_came_from()
    {
        BehindTokenService();

        var refused = await Assert.ThrowsAnyAsync<PiBuildException>(() => Client(Login with { Password = "wrong" }).CheckCanPushAsync(CancellationToken.None));

        Assert.Equal(ExitCodes.Usage, refused.ExitCode);
        Assert.StartsWith($"registry 127.0.0.1:{_registry.Port} refused the login of ci ({RegistryCredentials.Variable})", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_that_could_smuggle_a_header_is_never_sent()
    {
        BehindTokenService("abc\r\nX-Injected: 1");

        var refused = await Assert.ThrowsAnyAsync<PiBuildException>(() => Client(Login).CheckCanPushAsync(CancellationToken.None));

        Assert.Contains("a token with characters a bearer token cannot hold; pibuild will not send it", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_registry.Requests, r => r.Authorization?.Contains("abc", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task A_registry_that_asks_for_basic_gets_the_login_and_without_one_says_how_to_give_it()
    {
        _registry.Answer = (_, authorization) => authorization == Basic("ci", "s3cret")
            ? (HttpStatusCode.OK, null, "{}")
            : (HttpStatusCode.Unauthorized, "Basic realm=\"tiny\"", "{}");

        await Client(Login).CheckCanPushAsync(CancellationToken.None);
        Assert.Equal(Basic("ci", "s3cret"), _registry.Requests[^1].Authorization);

        var refused = await Assert.ThrowsAnyAsync<PiBuildException>(() => Client(null).CheckCanPushAsync(CancellationToken.None));
        Assert.Equal(ExitCodes.Usage, refused.ExitCode);
        Assert.Contains(RegistryCredentials.Variable, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_realm_that_is_not_an_http_address_gets_no_login()
    {
        _registry.Answer = (_, _) => (HttpStatusCode.Unauthorized, "Bearer realm=\"file:///etc/passwd\",service=\"tiny\"", "{}");

        var refused = await Assert.ThrowsAnyAsync<PiBuildException>(() => Client(Login).CheckCanPushAsync(CancellationToken.None));

        Assert.Contains("names the token realm 'file:///etc/passwd', which is not an http(s) address; pibuild sends no login there", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_registry.Requests, r => r.Authorization is not null);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_token_that_expires_during_a_pull_is_renewed_once_and_the_layer_arrives_or_the_refusal_is_one_line(bool renewable)
    {
        var layer = Encoding.UTF8.GetBytes("a layer's bytes");
        var tokens = 0;
        var challenge = $"Bearer realm=\"http://127.0.0.1:{_registry.Port}/token\",service=\"tiny\"";
        _registry.Answer = (path, authorization) => path switch
        {
            "/token" => (HttpStatusCode.OK, null, $"{{\"token\":\"t{Interlocked.Increment(ref tokens)}\"}}"),
            _ when authorization is null => (HttpStatusCode.Unauthorized, challenge, "{}"),
            _ when path.Contains("/blobs/", StringComparison.Ordinal) && (!renewable || authorization != "Bearer t2") => (HttpStatusCode.Unauthorized, challenge, "{}"),
            _ when path.Contains("/blobs/", StringComparison.Ordinal) => (HttpStatusCode.OK, null, Encoding.UTF8.GetString(layer)),
            _ => (HttpStatusCode.OK, null, "{}"),
        };
        var client = Client(Login);
        await client.CheckCanPushAsync(CancellationToken.None);
        var blob = new OciDescriptor("application/vnd.oci.image.layer.v1.tar", PiBuild.Core.Digests.OciDigest.Of(layer), layer.Length);

        if (renewable)
        {
            var path = await client.FetchBlobAsync(blob, "the layer", CancellationToken.None);
            Assert.Equal(layer, File.ReadAllBytes(path));
            Assert.Equal(2, tokens);
        }
        else
        {
            var refused = await Assert.ThrowsAnyAsync<PiBuildException>(() => client.FetchBlobAsync(blob, "the layer", CancellationToken.None));
            Assert.StartsWith($"registry 127.0.0.1:{_registry.Port} refused the login of ci", refused.Message, StringComparison.Ordinal);
            Assert.Equal(2, tokens);
        }
    }

    public void Dispose()
    {
        _registry.Dispose();
        _fetcher.Dispose();
        _dir.Dispose();
    }
}
