using System.Text.Json;
using PiBuild.Core;
using PiBuild.Core.Go;
using PiBuild.Core.Layout;
using PiBuild.Core.Projects;
using PiBuild.Core.Targets;

namespace PiBuild.Tests.Layout;

/// <summary>pibuild layout's plan as a value, and how the analyzer's per-architecture answers become one report.</summary>
public sealed class LayoutSpecs
{
    private static readonly GoToolchain Go123 = new("/usr/lib/go-1.23/bin/go", GoVersion.Parse("go1.23.5"), "/usr/lib/go-1.23", "linux", "amd64");
    private static readonly PiBuildPaths Paths = new("/home/u/.cache/pibuild", "/home/u/.config/pibuild");
    private static readonly GoProject GbProject = new("/work/sftp", ProjectLayout.GbStyle);
    private readonly ProfileCatalog _catalog = ProfileCatalog.FromLayers([ProfileLayer.LoadBuiltIn()]);

    private LayoutPlan Plan(string targets, params string[] packages) =>
        LayoutPlanner.Plan(TargetSelection.Many(_catalog, [targets], [], "layout"), packages, GbProject, Go123, Paths);

    private static Dictionary<string, string> TargetArgument(LayoutPlan plan, int index)
    {
        var values = plan.Analyze.Arguments.Select((a, i) => (a, i)).Where(x => x.a == "-target").Select(x => plan.Analyze.Arguments[x.i + 1]).ToArray();
        return JsonSerializer.Deserialize<Dictionary<string, string>>(values[index])!;
    }

    [Fact]
    public void Boards_that_share_a_GOARCH_are_laid_out_once_with_the_first_boards_build_cache()
    {
        var plan = Plan("pi1,pi2,pi4,pi5");
        Assert.Equal([("arm", "pi1,pi2"), ("arm64", "pi4,pi5")], plan.Groups.Select(g => (g.GoArch, g.Label)));
        Assert.Equal(new Dictionary<string, string>
        {
            ["GOOS"] = "linux", ["GOARCH"] = "arm", ["GOARM"] = "6", ["CGO_ENABLED"] = "0",
            ["GOCACHE"] = "/home/u/.cache/pibuild/go-build/linux-arm-6-go1.23.5",
        }, TargetArgument(plan, 0));

        // Go 1.23 knows GOARM64, so the Pi 4's cache is the one its cross builds use.
        Assert.Equal("v8.0", TargetArgument(plan, 1)["GOARM64"]);
        Assert.Equal("/home/u/.cache/pibuild/go-build/linux-arm64-v8.0-go1.23.5", TargetArgument(plan, 1)["GOCACHE"]);
    }

    [Fact]
    public void The_analyzer_runs_in_the_projects_build_directory_in_GOPATH_mode_for_a_gb_project()
    {
        var plan = Plan("pi1", "github.com/pkg/sftp/...");
        Assert.Equal("/work/sftp/src", plan.Analyze.WorkingDirectory);
        Assert.Equal("off", plan.Analyze.Environment["GO111MODULE"]);
        Assert.Equal("/work/sftp:/work/sftp/vendor", plan.Analyze.Environment["GOPATH"]);
        Assert.Null(plan.Analyze.Environment["GOARCH"]);
        Assert.Equal(["--", "github.com/pkg/sftp/..."], plan.Analyze.Arguments.SkipWhile(a => a != "--"));
        Assert.Equal(["--", "./..."], Plan("pi1").Analyze.Arguments.SkipWhile(a => a != "--"));
        Assert.Equal(Go123.GoExecutable, plan.Analyze.Arguments[1]);
    }

    [Fact]
    public void The_analyzer_is_cached_per_source_and_toolchain_and_built_for_the_host_beside_its_place()
    {
        var plan = Plan("pi1");
        Assert.Equal($"/home/u/.cache/pibuild/layout/{LayoutAnalyzer.SourceHash}-go1.23.5", plan.AnalyzerDirectory);
        Assert.Equal(plan.StagingDirectory, plan.BuildAnalyzer.WorkingDirectory);
        Assert.StartsWith($"/home/u/.cache/pibuild/layout/.{LayoutAnalyzer.SourceHash}-go1.23.5.pibuild-", plan.StagingDirectory, StringComparison.Ordinal);
        Assert.Null(plan.BuildAnalyzer.Environment["GOARCH"]);
        Assert.Equal("0", plan.BuildAnalyzer.Environment["CGO_ENABLED"]);
        Assert.Contains("main.go", LayoutAnalyzer.Sources.Keys);
        Assert.Contains("go.mod", LayoutAnalyzer.Sources.Keys);
    }

    private static AnalyzedTarget Target(string goarch, long progInfoSize, IReadOnlyList<AnalyzedAtomic>? misaligned = null, IReadOnlyList<string>? errors = null) => new(
        goarch, 2,
        [
            new AnalyzedStruct("p.ProgInfo", "ProgInfo", "/work/sftp/src/p/p.go:5:6", progInfoSize, 4, progInfoSize - 28),
            new AnalyzedStruct("p.Same", "Same", "/work/sftp/src/p/p.go:9:6", 8, 4, 0),
        ],
        1, misaligned ?? [], errors ?? []);

    [Fact]
    public void Structs_are_put_side_by_side_and_misaligned_atomics_carry_the_boards_they_fail_on()
    {
        var plan = Plan("pi0,pi1,pi4");
        var atomic = new AnalyzedAtomic("/work/sftp/src/p/p.go:20:2", "atomic.AddInt64", "counters.total", 4, 0, "move total first");
        var report = LayoutReport.Compose(plan, new AnalyzerOutput([Target("arm", 32, [atomic]), Target("arm64", 40)], []));

        var progInfo = Assert.Single(report.Differences);
        Assert.Equal(("ProgInfo", "src/p/p.go:5:6"), (progInfo.Name, progInfo.Position));
        Assert.Equal([32L, 40L], progInfo.Sizes);
        Assert.Equal(2, report.Structs.Count);
        var finding = Assert.Single(report.Misaligned);
        Assert.Equal(["pi0", "pi1"], finding.Boards);
        Assert.Equal("src/p/p.go:20:2", finding.Position);
        Assert.False(report.Passed);
    }

    [Fact]
    public void A_package_that_does_not_type_check_fails_the_command_with_its_first_error_on_one_line()
    {
        var plan = Plan("pi1,pi4");
        var errors = new[] { "/work/sftp/src/p/p.go:7:16: cannot use big\n(more)", "/work/sftp/src/p/q.go:1:1: another" };
        var failure = Assert.Throws<WorkFailedException>(() => LayoutReport.Compose(plan, new AnalyzerOutput([Target("arm", 32, errors: errors), Target("arm64", 40)], [])));
        Assert.Equal("layout for pi1 (linux/arm): src/p/p.go:7:16: cannot use big (1 more above); fix it, or name the packages to check", failure.Message);
        Assert.Contains("src/p/q.go:1:1: another", failure.Details, StringComparison.Ordinal);
    }

    [Fact]
    public void Reorders_report_the_size_before_and_after_on_each_board_group()
    {
        var plan = Plan("pi1,pi4");
        var reorder = new AnalyzedReorder("p.ProgInfo", ["_", "Reguse", "Flags"], [28, 32]);
        var report = LayoutReport.Compose(plan, new AnalyzerOutput([Target("arm", 32), Target("arm64", 40)], [reorder]));
        var order = Assert.Single(report.Reorders);
        Assert.Equal([32L, 40L], order.SizesBefore);
        Assert.Equal([28L, 32L], order.SizesAfter);
    }
}
