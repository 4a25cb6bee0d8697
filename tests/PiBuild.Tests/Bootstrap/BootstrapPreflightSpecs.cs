using PiBuild.Core;
using PiBuild.Core.Bootstrap;
using PiBuild.Core.Targets;

namespace PiBuild.Tests.Bootstrap;

public sealed class BootstrapPreflightSpecs : IDisposable
{
    private const long MiB = 1024 * 1024;
    private static readonly HostFacts Roomy = new(50_000 * MiB, 900 * MiB, null, false);
    private readonly TempDirectory _dir = new();

    private BootstrapPlan Plan(string prefix) => new(
        ProfileCatalog.FromLayers([ProfileLayer.LoadBuiltIn()]).Get("pi2"), "go1.22.6", "go1.20.6",
        new PlannedDownload("https://x/b.tgz", new string('b', 64), "t"), new PlannedDownload("https://x/s.tgz", new string('a', 64), "t"),
        prefix, prefix + "-bootstrap", false, false, 17, 1100 * MiB);

    [Theory]
    [InlineData("/usr/local/go")]
    [InlineData("/usr/lib/go-1.19")]
    [InlineData("/")]
    public void A_system_location_is_refused(string prefix)
    {
        var e = Assert.Throws<ConfigurationException>(() => BootstrapPreflight.Check(Plan(prefix), Roomy));
        Assert.StartsWith($"refusing to install Go into {prefix}: it is a system location", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_prefix_the_package_manager_owns_is_refused()
    {
        var e = Assert.Throws<ConfigurationException>(() => BootstrapPreflight.Check(Plan(_dir.Combine("go")), Roomy with { PrefixIsPackaged = true }));
        Assert.Contains("belong to an installed package", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Not_enough_disk_is_a_failure_that_says_how_much_is_free_and_needed()
    {
        var e = Assert.Throws<WorkFailedException>(() => BootstrapPreflight.Check(Plan(_dir.Combine("go")), Roomy with { FreeBytes = 300 * MiB }));
        Assert.Equal($"not enough disk for make.bash: 300 MiB free at {_dir.Path}, about 1100 MiB needed; free some space or choose another --prefix", e.Message);
    }

    [Fact]
    public void A_prefix_holding_another_Go_version_is_refused()
    {
        _dir.Write("go/VERSION", "go1.21.0\n");
        _dir.Write("go/src/make.bash", "");
        var e = Assert.Throws<ConfigurationException>(() => BootstrapPreflight.Check(Plan(_dir.Combine("go")), Roomy));
        Assert.Equal($"{_dir.Combine("go")} holds go1.21.0, not go1.22.6; remove it or choose another --prefix", e.Message);
    }

    [Fact]
    public void The_same_Go_tree_from_an_interrupted_run_is_accepted()
    {
        _dir.Write("go/VERSION", "go1.22.6\ntime x\n");
        _dir.Write("go/src/make.bash", "");
        Assert.Empty(BootstrapPreflight.Check(Plan(_dir.Combine("go")), Roomy));
    }

    [Fact]
    public void A_GOROOT_in_the_environment_and_little_memory_are_warned_about()
    {
        var warnings = BootstrapPreflight.Check(Plan(_dir.Combine("go")), Roomy with { GoRootVariable = "/opt/old-go", AvailableMemoryBytes = 300 * MiB });
        Assert.Equal(2, warnings.Count);
        Assert.StartsWith("GOROOT=/opt/old-go is set in your environment; it is removed for the build", warnings[0], StringComparison.Ordinal);
        Assert.StartsWith("only 300 MiB of memory available; make.bash may need swap", warnings[1], StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
