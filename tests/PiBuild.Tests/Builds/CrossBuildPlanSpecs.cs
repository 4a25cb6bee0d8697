using PiBuild.Core;
using PiBuild.Core.Builds;
using PiBuild.Core.Go;
using PiBuild.Core.Projects;
using PiBuild.Core.Targets;

namespace PiBuild.Tests.Builds;

/// <summary>A plan is a value: what go build will be run, where, with which environment, before anything runs.</summary>
public sealed class CrossBuildPlanSpecs : IDisposable
{
    private static readonly GoToolchain Go119 = new("/usr/lib/go-1.19/bin/go", GoVersion.Parse("go1.19.8"), "/usr/lib/go-1.19", "linux", "amd64");
    private static readonly PiBuildPaths Paths = new("/home/u/.cache/pibuild", "/home/u/.config/pibuild");
    private readonly TempDirectory _cache = new();
    private static readonly GoProject GbProject = new("/work/hello", ProjectLayout.GbStyle);
    private static readonly GoProject Module = new("/work/sensors", ProjectLayout.Module);
    private readonly ProfileCatalog _catalog = ProfileCatalog.FromLayers([ProfileLayer.LoadBuiltIn()]);

    private CrossBuildPlan Plan(GoProject project, string targets, string[]? packages = null, string? output = null, bool verbose = false) =>
        CrossBuildPlanner.Plan(Sessions.Of(TargetSelection.Many(_catalog, [targets], [], "cross"), Go119, project, WarmPaths()), new CrossBuildRequest(packages ?? [], output, verbose));

    /// <summary>Paths whose per-board caches already hold a build, as on every build after a board's first.</summary>
    private PiBuildPaths WarmPaths()
    {
        foreach (var platform in new[] { "linux-arm-6", "linux-arm-7", "linux-arm64-v8.0", "linux-arm64-v8.2" })
        {
            _cache.Write($"go-build/{platform}-go1.19.8/README", "cache");
        }

        return new PiBuildPaths(_cache.Path, _cache.Combine("config"));
    }

    /// <summary>The plan's arguments with its staging directory (unique to the run) shown as STAGING.</summary>
    private static string[] Arguments(TargetBuild build) =>
        build.GoBuild.Arguments.Select(a => a.Replace(build.StagingDirectory, "STAGING", StringComparison.Ordinal)).ToArray();

    [Fact]
    public void Each_target_gets_one_go_build_for_every_command_into_its_own_staging_directory()
    {
        var plan = Plan(GbProject, "pi1,pi2");
        Assert.Equal(["pi1", "pi2"], plan.Builds.Select(b => b.Target.Name));
        var pi1 = plan.Builds[0];
        Assert.Equal(["build", "-o", "STAGING/", "./..."], Arguments(pi1));
        Assert.Equal("/work/hello/bin/pi1", pi1.OutputDirectory);

        // Beside the output, named for this process, so a killed run's leftover is recognised and removed.
        Assert.Matches($@"^/work/hello/bin/\.pi1\.pibuild-{Environment.ProcessId}-[0-9a-f]{{8}}$", pi1.StagingDirectory);
        Assert.NotEqual(pi1.StagingDirectory, Plan(GbProject, "pi1").Builds[0].StagingDirectory);
        Assert.Equal(Go119.GoExecutable, pi1.GoBuild.FileName);
    }

    [Fact]
    public void The_environment_sets_the_board_and_removes_what_a_shell_could_leak_in()
    {
        var env = Plan(Module, "pi1").Builds[0].GoBuild.Environment;
        Assert.Equal("linux", env["GOOS"]);
        Assert.Equal("arm", env["GOARCH"]);
        Assert.Equal("6", env["GOARM"]);
        Assert.Equal("0", env["CGO_ENABLED"]);
        Assert.Equal("local", env["GOTOOLCHAIN"]);
        Assert.Equal("on", env["GO111MODULE"]);
        Assert.Equal(" ", env["GOFLAGS"]);
        Assert.True(env.ContainsKey("GOROOT") && env["GOROOT"] is null);
        Assert.True(env.ContainsKey("GOAMD64") && env["GOAMD64"] is null);
        Assert.False(env.ContainsKey("GOPATH"));
    }

    [Fact]
    public void Each_board_and_Go_release_has_its_own_writable_build_cache_under_the_pibuild_cache()
    {
        var plan = Plan(Module, "pi1,pi2");
        Assert.Equal(_cache.Combine("go-build", "linux-arm-6-go1.19.8"), plan.Builds[0].GoBuild.Environment["GOCACHE"]);
        Assert.Equal(_cache.Combine("go-build", "linux-arm-7-go1.19.8"), plan.Builds[1].GoBuild.Environment["GOCACHE"]);
        Assert.DoesNotContain(plan.Builds, b => b.GoBuild.Environment["GOCACHE"]!.StartsWith(Go119.GoRoot, StringComparison.Ordinal));
    }

    [Fact]
    public void A_gb_style_project_builds_in_GOPATH_mode_from_src_with_its_vendor_tree()
    {
        var build = Plan(GbProject, "pi2").Builds[0].GoBuild;
        Assert.Equal("/work/hello/src", build.WorkingDirectory);
        Assert.Equal("off", build.Environment["GO111MODULE"]);
        Assert.Equal("/work/hello:/work/hello/vendor", build.Environment["GOPATH"]);
    }

    [Fact]
    public void Named_packages_output_directory_and_verbose_are_passed_to_go_build()
    {
        var build = Plan(Module, "pi2", ["./cmd/sensord"], "/tmp/out", verbose: true).Builds[0];
        Assert.Equal(["build", "-o", "STAGING/", "-v", "./cmd/sensord"], Arguments(build));
        Assert.StartsWith("/tmp/out/.pi2.pibuild-", build.StagingDirectory, StringComparison.Ordinal);
        Assert.Equal("/tmp/out/pi2", build.OutputDirectory);
    }

    [Fact]
    public void The_plan_prints_as_a_command_a_user_can_paste()
    {
        var build = Plan(Module, "pi2").Builds[0];
        Assert.Equal(
            $"CGO_ENABLED=0 GO111MODULE=on GOARCH=arm GOARM=7 GOCACHE={_cache.Combine("go-build", "linux-arm-7-go1.19.8")} GOFLAGS=' ' GOOS=linux GOTOOLCHAIN=local " +
            $"/usr/lib/go-1.19/bin/go build -o {build.StagingDirectory}/ ./...",
            build.GoBuild.ToShellLine());
    }

    [Fact]
    public void A_GOARM_float_suffix_needs_Go_1_22_and_an_older_toolchain_is_a_configuration_error()
    {
        var catalog = ProfileCatalog.FromLayers([ProfileLayer.LoadBuiltIn(), Targets.Profiles.Layer("project", ("t/hf.yaml", "name: pi1-hf\nextends: pi1\ngoarm: 6,hardfloat\n"))]);
        var request = new CrossBuildRequest([], null, false);
        var e = Assert.Throws<ConfigurationException>(() => CrossBuildPlanner.Plan(Sessions.Of([catalog.Get("pi1-hf")], Go119, Module, WarmPaths()), request));
        Assert.Equal(
            "target 'pi1-hf' sets GOARM=6,hardfloat, which needs Go 1.22 or later, but /usr/lib/go-1.19/bin/go is go1.19.8; install a newer Go (--go PATH) or drop the float suffix in t/hf.yaml",
            e.Message);

        var go122 = Go119 with { Version = GoVersion.Parse("go1.22.6") };
        Assert.Equal("6,hardfloat", CrossBuildPlanner.Plan(Sessions.Of([catalog.Get("pi1-hf")], go122, Module, WarmPaths()), request).Builds[0].GoBuild.Environment["GOARM"]);
    }

    [Fact]
    public void A_boards_first_build_lists_what_it_needs_and_asks_go_to_name_each_package_it_compiles()
    {
        var paths = new PiBuildPaths(_cache.Path, _cache.Combine("config"));
        var session = Sessions.Of(TargetSelection.Many(_catalog, ["pi4"], [], "cross"), Go119, Module, paths);
        var request = new CrossBuildRequest([], null, StreamToolOutput: false);
        var cold = CrossBuildPlanner.Plan(session, request).Builds[0];
        Assert.Contains("-v", cold.GoBuild.Arguments);
        Assert.Equal(["list", "-deps", "-f", "{{.ImportPath}}", "./..."], cold.ListDependencies!.Arguments);
        Assert.Equal(cold.GoBuild.Environment, cold.ListDependencies.Environment);

        // Once the board's cache holds something, the build is quiet again and nothing is listed.
        _cache.Write($"go-build/linux-arm64-v8.0-go1.19.8/README", "cache");
        var warm = CrossBuildPlanner.Plan(session, request).Builds[0];
        Assert.DoesNotContain("-v", warm.GoBuild.Arguments);
        Assert.Null(warm.ListDependencies);
    }

    [Fact]
    public void An_arm64_board_gets_its_GOARM64_only_from_a_Go_that_knows_it()
    {
        Assert.False(Plan(Module, "pi5").Builds[0].GoBuild.Environment.TryGetValue("GOARM64", out var old) && old is not null);
        var go123 = Go119 with { Version = GoVersion.Parse("go1.23.5") };
        var session = Sessions.Of(TargetSelection.Many(_catalog, ["pi5", "pi4"], [], "cross"), go123, Module, Paths);
        var builds = CrossBuildPlanner.Plan(session, new CrossBuildRequest([], null, false)).Builds;
        Assert.Equal(["v8.2", "v8.0"], builds.Select(b => b.GoBuild.Environment["GOARM64"]));
        Assert.All(builds, b => Assert.Equal("arm64", b.GoBuild.Environment["GOARCH"]));
        Assert.All(builds, b => Assert.Null(b.GoBuild.Environment["GOARM"]));
    }

    [Fact]
    public void Boards_whose_builds_are_the_same_share_one_go_build_and_each_gets_its_own_directory()
    {
        var plan = Plan(Module, "pi2,pi1,pi3-32,zero2-32,pi0");
        Assert.Equal(["pi2,pi3-32,zero2-32", "pi1,pi0"], plan.Builds.Select(b => string.Join(",", b.Boards.Select(t => t.Name))));
        Assert.Equal(["pi2", "pi1", "pi3-32", "zero2-32", "pi0"], plan.Targets.Select(t => t.Name));
        Assert.Equal("/work/sensors/bin/zero2-32", plan.Builds[0].OutputDirectoryOf(plan.Builds[0].Boards[2]));
        Assert.Equal("pi2, pi3-32, zero2-32", plan.Builds[0].BoardNames);

        // A Pi 4 and a Pi 5 share a build only with a Go that cannot tell their levels apart.
        var pi4pi5 = TargetSelection.Many(_catalog, ["pi4,pi5"], [], "cross");
        Assert.Single(CrossBuildPlanner.Plan(Sessions.Of(pi4pi5, Go119, Module, Paths), new CrossBuildRequest([], null, false)).Builds);
        Assert.Equal(2, CrossBuildPlanner.Plan(Sessions.Of(pi4pi5, Go119 with { Version = GoVersion.Parse("go1.23.5") }, Module, Paths), new CrossBuildRequest([], null, false)).Builds.Count);
    }

    [Fact]
    public void A_cgo_board_never_shares_a_build_with_one_without()
    {
        var catalog = Targets.Profiles.WithProject(("t/pi2-cgo.yaml", "name: pi2-cgo\nextends: pi2\ncgo: true\n"));
        var session = Sessions.Of([catalog.Get("pi2"), catalog.Get("pi2-cgo")], Go119, Module, Paths);
        var builds = CrossBuildPlanner.Plan(session, new CrossBuildRequest([], null, false)).Builds;
        Assert.Equal(2, builds.Count);
        Assert.Equal("arm-linux-gnueabihf-gcc", builds[1].GoBuild.Environment["CC"]);
    }

    public void Dispose() => _cache.Dispose();
}
