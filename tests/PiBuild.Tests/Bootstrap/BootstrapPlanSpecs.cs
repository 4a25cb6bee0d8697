using PiBuild.Core;
using PiBuild.Core.Bootstrap;
using PiBuild.Core.Fetching;
using PiBuild.Core.Go;
using PiBuild.Core.Targets;

namespace PiBuild.Tests.Bootstrap;

public sealed class BootstrapPlanSpecs
{
    private const string IndexUrl = "https://go.dev/dl/?mode=json&include=all";
    private static readonly string A = new('a', 64);
    private static readonly string B = new('b', 64);
    private readonly ProfileCatalog _catalog = ProfileCatalog.FromLayers([ProfileLayer.LoadBuiltIn()]);

    private static GoDownloadIndex Index(params (string Version, string File, bool Stable)[] files) =>
        new(files.Select(f => new GoDownloadFile(f.Version, f.File, "linux", "armv6l", "archive", f.File.Contains("src") ? A : B, 1, f.Stable)).ToArray());

    private static BootstrapRequest Request(string target = "pi1", string? version = null, string prefix = "/home/pi/go") =>
        new([target], version, prefix, false, false, null, null, null, null, IndexUrl);

    private Task<BootstrapPlan> PlanAsync(BootstrapRequest request, GoDownloadIndex index) =>
        BootstrapPlanner.PlanAsync(request, _catalog.Get(request.Targets[0]), request.Prefix!, _ => Task.FromResult(index));

    [Theory]
    [InlineData("go1.19.8", "go1.4")]
    [InlineData("go1.21.13", "go1.17.13")]
    [InlineData("go1.22.6", "go1.20.6")]
    [InlineData("go1.23.0", "go1.20.6")]
    [InlineData("go1.25.1", "go1.22.6")]
    [InlineData("go1.27.0", "go1.24.6")]
    public void Each_Go_release_needs_its_published_minimum_bootstrap(string version, string minimum) =>
        Assert.Equal(minimum, BootstrapVersions.MinimumFor(GoVersion.Parse(version)).Text);

    [Fact]
    public async Task Without_a_version_the_newest_stable_release_is_built_from_the_index()
    {
        var index = Index(("go1.22.6", "go1.22.6.src.tar.gz", true), ("go1.23rc1", "go1.23rc1.src.tar.gz", false), ("go1.20.6", "go1.20.6.linux-armv6l.tar.gz", true));
        var plan = await PlanAsync(Request(), index);
        Assert.Equal("go1.22.6", plan.GoVersion);
        Assert.Equal("go1.20.6", plan.MinimumBootstrap);
        Assert.Equal(new PlannedDownload("https://go.dev/dl/go1.22.6.src.tar.gz", A, "Go's download index"), plan.Source);
        Assert.Equal(new PlannedDownload("https://go.dev/dl/go1.20.6.linux-armv6l.tar.gz", B, "Go's download index"), plan.Toolchain);
        Assert.Equal("/home/pi/go-bootstrap", plan.BootstrapDirectory);
        Assert.Equal("export PATH=/home/pi/go/bin:$PATH", plan.PathLine);
    }

    [Fact]
    public async Task The_build_environment_carries_the_bootstrap_the_timeout_scale_and_GOARM_and_never_GOROOT()
    {
        var index = Index(("go1.22.6", "go1.22.6.src.tar.gz", true), ("go1.20.6", "go1.20.6.linux-armv6l.tar.gz", true));
        var env = (await PlanAsync(Request(), index)).BuildEnvironment;
        Assert.Equal("/home/pi/go-bootstrap", env["GOROOT_BOOTSTRAP"]);
        Assert.Equal("10", env["GO_TEST_TIMEOUT_SCALE"]);
        Assert.Equal("6", env["GOARM"]);
        Assert.True(env.ContainsKey("GOROOT") && env["GOROOT"] is null);
    }

    [Fact]
    public async Task A_version_missing_from_the_index_is_unknown()
    {
        var e = await Assert.ThrowsAsync<ConfigurationException>(() => PlanAsync(Request(version: "1.99.1"), Index()));
        Assert.Equal($"unknown Go version go1.99.1: Go's download index ({IndexUrl}) does not list go1.99.1.src.tar.gz", e.Message);
    }

    [Fact]
    public async Task A_bootstrap_the_index_cannot_provide_points_to_pack_bootstrap()
    {
        var index = Index(("go1.19.8", "go1.19.8.src.tar.gz", true));
        var e = await Assert.ThrowsAsync<ConfigurationException>(() => PlanAsync(Request(version: "1.19.8"), index));
        Assert.StartsWith("Go's download index has no go1.4.linux-armv6l.tar.gz to bootstrap go1.19.8 from; make one with 'pibuild pack-bootstrap --target pi1'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Urls_given_by_the_user_need_no_index_and_need_their_checksums()
    {
        var request = Request(version: "1.19.8") with { BootstrapUrl = "https://mirror/b.tbz", BootstrapSha256 = B, SourceUrl = "https://mirror/s.tgz", SourceSha256 = A };
        var plan = await BootstrapPlanner.PlanAsync(request, _catalog.Get("pi1"), request.Prefix!, _ => throw new InvalidOperationException("the index must not be read"));
        Assert.Equal("--bootstrap-sha256", plan.Toolchain.ChecksumFrom);
        Assert.Equal("b.tbz", plan.Toolchain.FileName);

        var e = await Assert.ThrowsAsync<ConfigurationException>(() => PlanAsync(request with { SourceSha256 = null }, Index()));
        Assert.Equal("--source-url needs --source-sha256: a toolchain download without a checksum is refused", e.Message);
    }

    [Fact]
    public async Task The_script_applies_the_same_limits_checks_every_download_and_resumes()
    {
        var index = Index(("go1.22.6", "go1.22.6.src.tar.gz", true), ("go1.20.6", "go1.20.6.linux-armv6l.tar.gz", true));
        var plan = await PlanAsync(Request(), index);
        var script = BootstrapScript.Render(plan);
        Assert.StartsWith("#!/bin/sh\n", script, StringComparison.Ordinal);
        Assert.Contains("ulimit -s 1024\n", script, StringComparison.Ordinal);
        Assert.Contains("env GOARCH='arm' GOARM='6' GOFLAGS=' ' GOHOSTARCH='arm' GOHOSTOS='linux' GOOS='linux' GOROOT_BOOTSTRAP=\"$BOOTSTRAP\" GOTOOLCHAIN='local' GO_TEST_TIMEOUT_SCALE='10' ./make.bash", script, StringComparison.Ordinal);
        Assert.Contains($"fetch 'https://go.dev/dl/go1.22.6.src.tar.gz' \"$DOWNLOADS/go1.22.6.src.tar.gz\" {A}", script, StringComparison.Ordinal);
        Assert.Contains("sha256sum -c", script, StringComparison.Ordinal);
        Assert.Contains("curl -fL --retry 5 -C -", script, StringComparison.Ordinal);
        Assert.Matches(@"\nunset( \w+)* GOAMD64( \w+)* GOROOT( \w+)*\n", script);
        Assert.Contains("rm -rf \"$BOOTSTRAP\"", script, StringComparison.Ordinal);
    }
}
