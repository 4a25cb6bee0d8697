using PiBuild.Core;
using PiBuild.Core.Emulation;
using PiBuild.Core.Go;
using PiBuild.Core.Projects;
using PiBuild.Core.Targets;
using PiBuild.Core.Testing;

namespace PiBuild.Tests.Testing;

public sealed class GoTestPlanSpecs
{
    private static readonly GoToolchain Go = new("/usr/bin/go", GoVersion.Parse("go1.19.8"), "/usr/lib/go-1.19", "linux", "amd64");
    private static readonly GoProject Module = new("/work/m", ProjectLayout.Module, "example.com/m");
    private static readonly PiBuildPaths Paths = new("/c", "/cfg");
    private static readonly QemuUser Qemu = new("/usr/bin/qemu-arm-static");
    private readonly TargetProfile _pi1 = ProfileCatalog.FromLayers([ProfileLayer.LoadBuiltIn()]).Get("pi1");

    private GoTestPlan Plan(string[] packages, string[] flags, BoardExecutor? executor = null) =>
        GoTestPlanner.Plan(Builds.Sessions.Of([_pi1], Go, Module, Paths), packages, flags, (executor ?? new EmulatedExecutor(_pi1, Qemu)).GoTestExec);

    /// <summary>The go test arguments inside the stack-limit wrapper.</summary>
    private static string[] GoArguments(GoTestPlan plan) => plan.GoTest.Arguments.SkipWhile(a => a != "/usr/bin/go").Skip(1).ToArray();

    [Fact]
    public void Tests_run_under_qemu_with_the_boards_CPU_and_a_timeout_scaled_from_go_tests_default()
    {
        var plan = Plan([], []);
        Assert.Equal(["test", "-json", "-timeout", "100m", "-exec", "/usr/bin/qemu-arm-static -cpu arm1176", "./..."], GoArguments(plan));
        Assert.Equal(TimeSpan.FromMinutes(100), plan.Timeout);
        Assert.Equal("10", plan.GoTest.Environment["GO_TEST_TIMEOUT_SCALE"]);
        Assert.Equal("6", plan.GoTest.Environment["GOARM"]);
    }

    [Theory]
    [InlineData(new[] { "-timeout", "30s" }, "5m")]
    [InlineData(new[] { "-timeout=1m30s" }, "15m")]
    [InlineData(new[] { "--timeout", "250ms" }, "2500ms")]
    [InlineData(new[] { "-timeout", "7s" }, "70s")]
    public void A_timeout_the_user_gives_is_scaled_and_passed_once(string[] flags, string scaled)
    {
        var args = GoArguments(Plan(["./x"], [.. flags, "-run", "TestA"]));
        Assert.Equal(["test", "-json", "-timeout", scaled, "-exec", "/usr/bin/qemu-arm-static -cpu arm1176", "-run", "TestA", "./x"], args);
    }

    [Fact]
    public void An_emulator_path_with_spaces_or_quotes_is_quoted_the_way_go_test_splits_exec()
    {
        var plan = Plan([], [], new EmulatedExecutor(_pi1, new QemuUser("/opt/my tools/it's/qemu-arm")));
        Assert.Equal("'/opt/my tools/it'\\''s/qemu-arm' -cpu arm1176", plan.Emulator);
    }

    [Fact]
    public void The_stack_limit_wraps_go_test_so_every_test_process_inherits_it()
    {
        var spec = Plan([], []).GoTest;
        Assert.Equal("/bin/sh", spec.FileName);
        Assert.Equal("-c", spec.Arguments[0]);
        Assert.Equal(["1024", "/usr/bin/go"], spec.Arguments.Skip(3).Take(2));
    }

    [Fact]
    public void On_the_board_itself_no_emulator_is_used()
    {
        var plan = Plan([], [], new NativeExecutor(_pi1));
        Assert.Null(plan.Emulator);
        Assert.DoesNotContain("-exec", GoArguments(plan));
    }

    [Fact]
    public void A_timeout_that_is_not_a_Go_duration_is_a_usage_error()
    {
        var e = Assert.Throws<ConfigurationException>(() => Plan([], ["-timeout", "soon"]));
        Assert.Equal("-timeout soon is not a Go duration (e.g. 30s, 2m, 1h)", e.Message);
    }

    [Theory]
    [InlineData("1h2m3s", 3723)]
    [InlineData("1.5s", 1.5)]
    [InlineData("0", 0)]
    public void Go_durations_parse(string text, double seconds)
    {
        Assert.True(GoDuration.TryParse(text, out var value));
        Assert.Equal(seconds, value.TotalSeconds, precision: 6);
    }

    [Theory]
    [InlineData("10")]
    [InlineData("s")]
    [InlineData("1x")]
    public void Other_text_is_not_a_Go_duration(string text) => Assert.False(GoDuration.TryParse(text, out _));
}
