using PiBuild.Core;
using PiBuild.Core.Builds;
using PiBuild.Core.Projects;

namespace PiBuild.Tests.Builds;

public sealed class GoBuildFlagsSpecs
{
    [Fact]
    public void Flags_after_the_double_dash_end_at_the_first_package_and_values_may_follow_their_flag()
    {
        var (flags, packages) = GoBuildFlags.Parse(["-gcflags", "all=-N -l", "--race", "-tags=a,b", "./cmd/x", "-v"]);
        Assert.Equal(["./cmd/x", "-v"], packages);
        Assert.Equal(["-tags=a,b", "-gcflags=all=-N -l", "-race"], flags.Arguments());
    }

    [Fact]
    public void Tags_and_linker_flags_given_twice_reach_go_once_joined_since_go_keeps_only_the_last()
    {
        var (flags, _) = GoBuildFlags.Parse(["-tags=a", "-tags", "b c", "-ldflags=-X main.v={version}", "-ldflags=-X main.c={commit}"]);
        Assert.Equal(["-tags=a,b,c", "-ldflags=-X main.v=1.0 -X main.c=abc"], flags.Arguments("1.0", "abc"));
        Assert.True(flags.NeedsSource);
    }

    [Fact]
    public void Pibuild_yaml_comes_first_so_the_command_line_wins()
    {
        var config = ProjectConfig.Parse("tags: [fromfile]\nldflags: \"-X main.v=file\"\n", "pibuild.yaml");
        var (flags, _) = GoBuildFlags.Parse(["-tags=cli", "-ldflags=-X main.v=cli"]);
        Assert.Equal(["-tags=fromfile,cli", "-ldflags=-X main.v=file -X main.v=cli"], flags.After(config).Arguments());
    }

    [Fact]
    public void A_release_trims_paths_drops_the_build_ID_and_strips_before_the_users_linker_flags()
    {
        var config = ProjectConfig.Parse("ldflags: \"-s=false\"\n", "pibuild.yaml");
        var release = GoBuildFlags.Parse(["-trimpath"]).Flags.ForRelease().After(config);
        Assert.Equal(["-trimpath", "-ldflags=-buildid= -s -w -s=false"], release.Arguments());
        Assert.Equal(["-trimpath", "-ldflags=-buildid= -s -w"], GoBuildFlags.None.ForRelease().Arguments());
    }

    [Theory]
    [InlineData("-trimpath=false")]
    [InlineData("-trimpath=0")]
    public void A_release_refuses_to_keep_build_machine_paths(string flag) =>
        Assert.Contains("a release always trims", Assert.Throws<ConfigurationException>(() => GoBuildFlags.Parse([flag]).Flags.ForRelease()).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("-o", "places the binaries itself")]
    [InlineData("--toolexec=x", "in place of the compiler")]
    [InlineData("-overlay=o.json", "not be built from the project's source")]
    [InlineData("-buildmode=plugin", "-buildmode=exe or pie")]
    [InlineData("-buildmode", "needs a value")]
    [InlineData("-n", "nothing to verify")]
    [InlineData("-C=dir", "-C/--directory")]
    [InlineData("-linkshared", "shared Go libraries")]
    [InlineData("-compiler=gccgo", "gc")]
    [InlineData("-json", "--json")]
    [InlineData("-bogus", "not a go build flag")]
    public void Flags_pibuild_owns_or_cannot_vouch_for_are_refused_with_the_reason(string flag, string reason)
    {
        var error = Assert.Throws<ConfigurationException>(() => GoBuildFlags.Parse([flag]));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-buildmode=pie")]
    [InlineData("-buildmode=exe")]
    [InlineData("-compiler=gc")]
    [InlineData("-a")]
    [InlineData("-x")]
    public void Harmless_flags_pass_as_given(string flag) => Assert.Equal([flag], GoBuildFlags.Parse([flag]).Flags.Arguments());

    [Fact]
    public void Go_test_flags_are_read_only_for_the_build_flags_pibuild_owns()
    {
        GoBuildFlags.CheckTestFlags(["-run", "TestX", "-count=1", "-v", "-bench", "."]);
        Assert.Contains("its own -exec", Assert.Throws<ConfigurationException>(() => GoBuildFlags.CheckTestFlags(["-exec", "x"])).Message, StringComparison.Ordinal);
        Assert.Contains("in place of the compiler", Assert.Throws<ConfigurationException>(() => GoBuildFlags.CheckTestFlags(["-toolexec=x"])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_build_tag_in_pibuild_yaml_is_checked_where_it_stands()
    {
        var error = Assert.Throws<ConfigurationException>(() => ProjectConfig.Parse("tags:\n  - ok\n  - \"two words\"\n", "pibuild.yaml"));
        Assert.StartsWith("pibuild.yaml:3:5: 'tags' are build tags", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-ldflags=-linkmode=external -extld=/x/evil.sh", "runs another program as the external linker")]
    [InlineData("-ldflags=-o=/x/file", "makes the linker write the binary somewhere else")]
    [InlineData("-ldflags=-s -o /x/file", "makes the linker write the binary somewhere else")]
    [InlineData("-ldflags=-tmpdir=/x", "write outside the build")]
    [InlineData("-ldflags=-extldflags '-o /x/file'", "names another program or output")]
    [InlineData("-ldflags=-extldflags=-fuse-ld=/x/ld", "names another program or output")]
    [InlineData("-ldflags=-extldflags=-B/x", "names another program or output")]
    [InlineData("-ldflags=-extldflags -Wl,-o,/x/file", "names another program or output")]
    [InlineData("-ldflags=-extldflags @/x/options", "names another program or output")]
    [InlineData("-ldflags=`touch /x`", "is not a linker flag (go's linker would stop and print its usage)")]
    [InlineData("-ldflags=-X 'main.v=1", "quote is not closed")]
    [InlineData("-gcflags=all=-o=/x/file", "the compiler flag '-o=/x/file'")]
    [InlineData("-gcflags=-cpuprofile=/x/p", "writes a file outside the build")]
    [InlineData("-asmflags=all=-o=/x/file", "the assembler flag '-o=/x/file'")]
    [InlineData("-modfile=/x/go.mod", "outside the project")]
    [InlineData("-modfile=../go.mod", "outside the project")]
    [InlineData("-pkgdir=/x", "outside pibuild's per-board cache")]
    [InlineData("-tags=a,$(touch /x)", "build tags are letters, digits")]
    public void Tool_flags_that_run_a_program_or_write_outside_the_build_are_refused_wherever_they_are_given(string flag, string reason)
    {
        Assert.Contains(reason, Assert.Throws<ConfigurationException>(() => GoBuildFlags.Parse([flag])).Message, StringComparison.Ordinal);
        Assert.Contains(reason, Assert.Throws<ConfigurationException>(() => GoBuildFlags.CheckTestFlags([flag])).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-ldflags=-s -w -X main.version=1.0 -X 'main.name=a b'")]
    [InlineData("-ldflags=-linkmode=external -extldflags '-static -Wl,-Bstatic'")]
    [InlineData("-gcflags=all=-N -l")]
    [InlineData("-asmflags=-trimpath")]
    [InlineData("-modfile=go.alt.mod")]
    [InlineData("-tags=a,b.c,d_e")]
    public void Ordinary_tool_flags_pass(string flag) => Assert.NotEmpty(GoBuildFlags.Parse([flag]).Flags.Arguments());

    [Fact]
    public void A_test_flags_value_given_as_the_next_argument_is_checked_too() =>
        Assert.Contains("runs another program", Assert.Throws<ConfigurationException>(() => GoBuildFlags.CheckTestFlags(["-run", "X", "-ldflags", "-extld=/x/evil.sh"])).Message, StringComparison.Ordinal);
}
