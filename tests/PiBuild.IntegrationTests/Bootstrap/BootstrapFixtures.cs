using System.Security.Cryptography;
using System.Text;
using PiBuild.IntegrationTests.Infrastructure;

namespace PiBuild.IntegrationTests.Bootstrap;

/// <summary>
/// A fake Go source tree whose make.bash and all.bash are real scripts that record what reached them (the stack
/// limit, GO_TEST_TIMEOUT_SCALE, GOROOT_BOOTSTRAP, whether GOROOT is set) and run the bootstrap go; and a
/// bootstrap toolchain holding the machine's real go binary. Both are packed as tarballs and served over HTTP.
/// </summary>
public sealed class BootstrapFixtures : IAsyncDisposable
{
    public const string Version = "go1.19.8";

    private const string Recorder = """
        #!/bin/bash
        set -e
        {
          echo "ulimit_s=$(ulimit -s)"
          echo "timeout_scale=${GO_TEST_TIMEOUT_SCALE:-}"
          echo "cgo=${CGO_ENABLED:-}"
          echo "goroot_bootstrap=${GOROOT_BOOTSTRAP:-}"
          echo "goroot_set=${GOROOT+yes}"
          echo "goarm=${GOARM:-}"
          echo "target=${GOHOSTOS:-}/${GOHOSTARCH:-} -> ${GOOS:-}/${GOARCH:-}"
          echo "bootstrap_go=$("$GOROOT_BOOTSTRAP/bin/go" version)"
          echo "script=$(basename "$0")"
        } > ../record.txt
        echo "Building Go cmd/dist using $GOROOT_BOOTSTRAP."
        echo "Building Go toolchain1 using $GOROOT_BOOTSTRAP."
        if [ -n "${FAKE_MAKE_FAIL:-}" ]; then
          echo "compile: something went wrong on purpose" >&2
          exit 3
        fi
        mkdir -p ../bin
        printf '#!/bin/sh\necho "go version go1.19.8 linux/amd64"\n' > ../bin/go
        chmod +x ../bin/go
        echo "Installed Go for linux/amd64 in $(cd .. && pwd)"
        """;

    private readonly TempDirectory _dir = new("pibuild-bootstrap-");

    public BootstrapFixtures()
    {
        Server = new TestHttpServer();
    }

    public TestHttpServer Server { get; }

    public string Root => _dir.Path;

    public byte[] SourceTarball { get; private set; } = [];

    public byte[] ToolchainTarball { get; private set; } = [];

    public static string Sha(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    public string SourceUrl => Server.Url("dl/go1.19.8.src.tar.gz");

    public string ToolchainUrl => Server.Url("dl/go1.4.linux-amd64.tar.gz");

    public string IndexUrl => Server.Url("dl/?mode=json&include=all");

    public static async Task<BootstrapFixtures> CreateAsync(string? makeBash = null)
    {
        var fixtures = new BootstrapFixtures();
        await fixtures.PackAsync(makeBash ?? Recorder);
        return fixtures;
    }

    /// <summary>A project whose targets/host.yaml describes this machine, so the bootstrap runs natively here.</summary>
    public string HostProject()
    {
        var project = _dir.Combine("project");
        _dir.Write("project/targets/host.yaml", """
            name: host
            board: this machine
            goos: linux
            goarch: amd64
            cores: 2
            clock_mhz: 2500
            thread_stack_kb: 1024
            test_timeout_scale: 10
            bootstrap:
              from: go-index
              archive_arch: amd64
            """);
        return project;
    }

    public void ServeIndex(params (string Version, string File, byte[] Content, string Kind)[] files)
    {
        var releases = files.GroupBy(f => f.Version).Select(g =>
            $$"""{"version": "{{g.Key}}", "stable": true, "files": [{{string.Join(", ", g.Select(f =>
                $$"""{"filename": "{{f.File}}", "os": "linux", "arch": "amd64", "version": "{{g.Key}}", "sha256": "{{Sha(f.Content)}}", "size": {{f.Content.Length}}, "kind": "{{f.Kind}}"}"""))}}]}""");
        Server.Serve("dl/", Encoding.UTF8.GetBytes("[" + string.Join(", ", releases) + "]"));
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        _dir.Dispose();
    }

    private async Task PackAsync(string makeBash)
    {
        _dir.Write("source/go/VERSION", Version + "\ntime 2023-03-30T00:00:00Z\n");
        Directory.CreateDirectory(_dir.Combine("source", "go", "misc"));
        _dir.Write("source/go/src/make.bash", makeBash);
        _dir.Write("source/go/src/all.bash", makeBash + "\necho ALL TESTS PASSED\n");
        _dir.Write("source/go/src/runtime/extern.go", "package runtime\n");

        // Bulk that does not compress, so a slow server can be interrupted in the middle of the download.
        var bulk = new byte[1024 * 1024];
        new Random(11).NextBytes(bulk);
        await File.WriteAllBytesAsync(_dir.Combine("source", "go", "misc", "bulk.bin"), bulk);
        foreach (var script in new[] { "make.bash", "all.bash" })
        {
            File.SetUnixFileMode(_dir.Combine("source", "go", "src", script), (UnixFileMode)0x1ED);
        }

        SourceTarball = await TarAsync("source");

        var goroot = (await Run.ProgramAsync("go", ["env", "GOROOT"])).StandardOutput.Trim();
        Directory.CreateDirectory(_dir.Combine("toolchain", "go", "bin"));
        File.Copy(Path.Combine(goroot, "bin", "go"), _dir.Combine("toolchain", "go", "bin", "go"));
        _dir.Write("toolchain/go/VERSION", Version + "\n");
        ToolchainTarball = await TarAsync("toolchain");

        Server.Serve("dl/go1.19.8.src.tar.gz", SourceTarball);
        Server.Serve("dl/go1.4.linux-amd64.tar.gz", ToolchainTarball);
    }

    private async Task<byte[]> TarAsync(string directory)
    {
        var tarball = _dir.Combine(directory + ".tar.gz");
        var tar = await Run.ProgramAsync("tar", ["-C", _dir.Combine(directory), "-czf", tarball, "go"]);
        tar.AssertSucceeded();
        return await File.ReadAllBytesAsync(tarball);
    }
}
