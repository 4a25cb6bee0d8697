using System.Security.Cryptography;
using System.Text;

namespace PiBuild.IntegrationTests.Infrastructure;

/// <summary>
/// Go releases as go.dev serves them, made from Debian's own installs (golang-1.2x-go from bookworm-backports):
/// <c>go1.21.13.linux-amd64.tar.gz</c> and the rest, laid out as go.dev's (<c>go/bin/go</c>, <c>go/pkg/tool/…</c>,
/// <c>go/src/…</c>, <c>go/VERSION</c>, Debian's symlinks resolved), with an index in go.dev's JSON format listing
/// their real SHA-256, on a real HTTP server on 127.0.0.1. Made once for the test run.
/// </summary>
public sealed class GoReleaseServer : IAsyncLifetime
{
    private static readonly string[] Releases = ["1.21", "1.22", "1.23"];
    private readonly TempDirectory _dir = new("pibuild-releases-");

    public TestHttpServer Server { get; } = new();

    /// <summary>Version ("go1.23.5") → the tarball's bytes.</summary>
    public Dictionary<string, byte[]> Tarballs { get; } = [];

    public string IndexUrl => Server.Url("dl/?mode=json&include=all");

    public string Newest(string line) => Tarballs.Keys.Single(v => v.StartsWith($"go{line}.", StringComparison.Ordinal));

    public static string Sha(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>An index at <paramref name="path"/> listing each file (name, version, arch, SHA-256) as go.dev's does.</summary>
    public string ServeIndex(string path, params (string Version, string File, string Arch, string Sha256, long Size)[] files)
    {
        var releases = files.GroupBy(f => f.Version).Select(g =>
            $$"""{"version": "{{g.Key}}", "stable": true, "files": [{{string.Join(", ", g.Select(f =>
                $$"""{"filename": "{{f.File}}", "os": "linux", "arch": "{{f.Arch}}", "version": "{{g.Key}}", "sha256": "{{f.Sha256}}", "size": {{f.Size}}, "kind": "archive"}"""))}}]}""");
        Server.Serve(path, Encoding.UTF8.GetBytes("[" + string.Join(", ", releases) + "]"));
        return Server.Url(path + "?mode=json&include=all");
    }

    public async Task InitializeAsync()
    {
        foreach (var release in Releases)
        {
            var goroot = $"/usr/lib/go-{release}";
            var version = (await File.ReadAllLinesAsync(Path.Combine(GoToolchains.Installed(release), "..", "..", "VERSION")))[0].Trim();
            var tarball = _dir.Combine($"{version}.linux-amd64.tar.gz");
            var pack = await Run.ProgramAsync("bash", ["-c", PackScript, "pack", goroot, _dir.Combine(version), tarball]);
            pack.AssertSucceeded();
            Tarballs[version] = await File.ReadAllBytesAsync(tarball);
            Server.Serve($"dl/{version}.linux-amd64.tar.gz", Tarballs[version]);
        }

        ServeIndex("dl/", Tarballs.Select(t => (t.Key, $"{t.Key}.linux-amd64.tar.gz", "amd64", Sha(t.Value), (long)t.Value.Length)).ToArray());
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        _dir.Dispose();
    }

    // What a cross build needs of a release (the host tools, the standard library's sources, the assembler's
    // headers), without its tests, as one top directory "go".
    private const string PackScript = """
        set -e
        goroot=$1; tree=$2/go; tarball=$3
        mkdir -p "$tree/pkg/tool/linux_amd64"
        cp -L "$goroot/VERSION" "$goroot/go.env" "$tree/"
        cp -rL "$goroot/bin" "$tree/"
        for tool in compile link asm buildid pack vet cgo cover test2json covdata; do
          cp -L "$goroot/pkg/tool/linux_amd64/$tool" "$tree/pkg/tool/linux_amd64/"
        done
        cp -rL "$goroot/pkg/include" "$tree/pkg/"
        tar -C "$goroot" -chf - --exclude=testdata src | tar -C "$tree" -xf -
        tar -C "$2" -cf - go | gzip -1 > "$tarball"
        """;
}

[CollectionDefinition(Name)]
public sealed class GoReleaseCollection : ICollectionFixture<GoReleaseServer>, ICollectionFixture<SharedGoCache>
{
    public const string Name = "Go releases on loopback";
}
