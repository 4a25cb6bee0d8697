using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PiBuild.IntegrationTests.Infrastructure;

/// <summary>
/// Debian's docker-registry (the CNCF distribution server) on a free loopback port, plain HTTP; or, with
/// <see cref="StartSecured"/>, behind TLS with a CA made by openssl for this run and htpasswd (bcrypt) logins.
/// </summary>
public sealed class OciRegistry : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly Process _process;

    private TokenIssuer? _tokens;

    private OciRegistry(bool secured, bool tokens = false, string? realm = null)
    {
        Port = FreePort();
        var tls = "";
        var auth = "";
        if (tokens)
        {
            _tokens = new TokenIssuer(_dir.Combine("token.crt"));
            auth = $"auth:\n  token:\n    realm: {_tokens.Realm}\n    service: {TokenIssuer.Service}\n    issuer: {TokenIssuer.Issuer}\n    rootcertbundle: {_dir.Combine("token.crt")}\n";
        }

        if (secured)
        {
            OpenSsl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=pibuild test CA", "-keyout", _dir.Combine("ca.key"), "-out", CaFile);
            OpenSsl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", _dir.Combine("server.key"), "-out", _dir.Combine("server.csr"));
            _dir.Write("ext.cnf", "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
            OpenSsl("x509", "-req", "-in", _dir.Combine("server.csr"), "-CA", CaFile, "-CAkey", _dir.Combine("ca.key"), "-CAcreateserial", "-days", "2", "-extfile", _dir.Combine("ext.cnf"), "-out", _dir.Combine("server.crt"));
            var htpasswd = Process.Start(new ProcessStartInfo("htpasswd", ["-Bbn", User, Password]) { RedirectStandardOutput = true, UseShellExecute = false })!;
            _dir.Write("htpasswd", htpasswd.StandardOutput.ReadToEnd());
            htpasswd.WaitForExit();
            tls = $"  tls:\n    certificate: {_dir.Combine("server.crt")}\n    key: {_dir.Combine("server.key")}\n";
            auth = realm is null
                ? $"auth:\n  htpasswd:\n    realm: pibuild-tests\n    path: {_dir.Combine("htpasswd")}\n"
                : $"auth:\n  token:\n    realm: {realm}\n    service: {TokenIssuer.Service}\n    issuer: {TokenIssuer.Issuer}\n    rootcertbundle: {CaFile}\n";
        }

        _dir.Write("config.yml", $"version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: {_dir.Combine("data")}\n{auth}http:\n  addr: 127.0.0.1:{Port}\n{tls}");
        _process = Process.Start(new ProcessStartInfo("docker-registry", ["serve", _dir.Combine("config.yml")])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        })!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        WaitUntilListening();
    }

    public const string User = "jane";
    public const string Password = "s3cret-pass";

    public int Port { get; }

    /// <summary>"127.0.0.1:PORT" (plain), or "localhost:PORT" (TLS, its certificate's name).</summary>
    public string Host => $"{(File.Exists(CaFile) ? "localhost" : "127.0.0.1")}:{Port}";

    /// <summary>The CA that signed a secured registry's certificate: SSL_CERT_FILE for the clients of this run.</summary>
    public string CaFile => _dir.Combine("ca.crt");

    public static OciRegistry Start() => new(secured: false);

    public static OciRegistry StartSecured() => new(secured: true);

    /// <summary>TLS, with token authentication whose realm is <paramref name="realm"/> (wherever that is, as a hostile registry names it).</summary>
    public static OciRegistry StartSecuredWithTokenRealm(string realm) => new(secured: true, realm: realm);

    /// <summary>Plain HTTP, with the distribution token flow: a 401 naming a realm where a login buys a signed Bearer token.</summary>
    public static OciRegistry StartWithTokens() => new(secured: false, tokens: true);

    /// <summary>How many tokens the issuer handed out.</summary>
    public int TokensIssued => _tokens?.Issued ?? 0;

    public void Dispose()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
        _tokens?.Dispose();
        _dir.Dispose();
    }

    private void OpenSsl(params string[] args)
    {
        using var openssl = Process.Start(new ProcessStartInfo("openssl", args) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false })!;
        var error = openssl.StandardError.ReadToEnd();
        openssl.WaitForExit();
        Assert.True(openssl.ExitCode == 0, $"openssl {string.Join(' ', args)}: {error}");
    }

    private void WaitUntilListening()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                Assert.False(_process.HasExited, "docker-registry exited before it listened");
                Thread.Sleep(50);
            }
        }

        throw new TimeoutException($"docker-registry did not listen on {Port} within 30 s");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// The token server the distribution spec describes, as small as the registry needs: GET /token with Basic
/// credentials and a scope returns a JWT (RS256, its certificate in the x5c header, trusted by the registry's
/// rootcertbundle) granting that scope. Debian packages no token server, so the test serves this one.
/// </summary>
internal sealed class TokenIssuer : IDisposable
{
    public const string Service = "pibuild-registry";
    public const string Issuer = "pibuild-test-issuer";

    private readonly System.Net.HttpListener _listener = new();
    private readonly System.Security.Cryptography.RSA _key = System.Security.Cryptography.RSA.Create(2048);
    private readonly byte[] _certificate;
    private int _issued;

    public TokenIssuer(string certificateFile)
    {
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=pibuild token issuer", _key, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(2));
        _certificate = certificate.RawData;
        File.WriteAllText(certificateFile, certificate.ExportCertificatePem());
        var port = 0;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        Realm = $"http://127.0.0.1:{port}/token";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public string Realm { get; }

    public int Issued => _issued;

    public void Dispose()
    {
        _listener.Close();
        _key.Dispose();
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            System.Net.HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is System.Net.HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var basic = context.Request.Headers["Authorization"] is { } header && header.StartsWith("Basic ", StringComparison.Ordinal)
                ? System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(header[6..]))
                : null;
            if (basic != $"{OciRegistry.User}:{OciRegistry.Password}")
            {
                context.Response.StatusCode = 401;
                context.Response.Close();
                continue;
            }

            var scope = context.Request.QueryString["scope"] ?? "";
            var parts = scope.Split(':');
            var access = parts.Length == 3 ? $"[{{\"type\":\"{parts[0]}\",\"name\":\"{parts[1]}\",\"actions\":[{string.Join(",", parts[2].Split(',').Select(a => $"\"{a}\""))}]}}]" : "[]";
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var body = System.Text.Encoding.UTF8.GetBytes($"{{\"token\":\"{Jwt(access, now)}\",\"expires_in\":300}}");
            Interlocked.Increment(ref _issued);
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
    }

    private string Jwt(string access, long now)
    {
        static string Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var header = Url(System.Text.Encoding.UTF8.GetBytes($"{{\"typ\":\"JWT\",\"alg\":\"RS256\",\"x5c\":[\"{Convert.ToBase64String(_certificate)}\"]}}"));
        var claims = Url(System.Text.Encoding.UTF8.GetBytes(
            $"{{\"iss\":\"{Issuer}\",\"sub\":\"{OciRegistry.User}\",\"aud\":\"{Service}\",\"exp\":{now + 300},\"nbf\":{now - 10},\"iat\":{now},\"jti\":\"{Guid.NewGuid():N}\",\"access\":{access}}}"));
        var signature = _key.SignData(System.Text.Encoding.ASCII.GetBytes($"{header}.{claims}"), System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        return $"{header}.{claims}.{Url(signature)}";
    }
}
