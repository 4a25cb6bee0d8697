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

    private OciRegistry(bool secured)
    {
        Port = FreePort();
        var tls = "";
        var auth = "";
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
            auth = $"auth:\n  htpasswd:\n    realm: pibuild-tests\n    path: {_dir.Combine("htpasswd")}\n";
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
