using PiBuild.Core;
using PiBuild.Core.Go;
using PiBuild.Core.Projects;
using PiBuild.Core.Targets;

namespace PiBuild.Tests.Go;

public sealed class CgoOptionsSpecs
{
    private static readonly ProfileCatalog Catalog = ProfileCatalog.FromLayers([ProfileLayer.LoadBuiltIn()]);

    private static ProjectConfig Config(string yaml) => ProjectConfig.Parse(yaml, "/project/pibuild.yaml");

    [Fact]
    public void Pibuild_yaml_turns_cgo_on_and_names_sysroots_relative_to_the_project()
    {
        var options = CgoOptions.From(false, [], Config("cgo: true\nsysroots:\n  pi1: sysroots/pi-os-armhf\n  pi4: /srv/arm64\n"), "/project", Catalog);
        Assert.True(options.Apply(Catalog.Get("pi1")).Cgo);
        Assert.Equal("/project/sysroots/pi-os-armhf", options.SysrootFor(Catalog.Get("pi1")));
        Assert.Equal("/srv/arm64", options.SysrootFor(Catalog.Get("pi4")));
        Assert.Null(options.SysrootFor(Catalog.Get("pi2")));
    }

    [Fact]
    public void The_command_line_wins_a_board_named_sysroot_over_one_for_every_board_over_the_files()
    {
        var config = Config("sysroots:\n  pi1: from-file\n  pi4: from-file-too\n");
        var options = CgoOptions.From(true, ["/every", "pi0=/zero"], config, "/project", Catalog);
        Assert.Equal("/every", options.SysrootFor(Catalog.Get("pi1")));
        Assert.Equal("/every", options.SysrootFor(Catalog.Get("pi4")));
        Assert.Equal("/zero", options.SysrootFor(Catalog.Get("pi0")));

        var perBoard = CgoOptions.From(true, ["pi1=/mine"], config, "/project", Catalog);
        Assert.Equal("/mine", perBoard.SysrootFor(Catalog.Get("pi1")));
        Assert.Equal("/project/from-file-too", perBoard.SysrootFor(Catalog.Get("pi4")));
    }

    [Theory]
    [InlineData("pi9=/x", "--sysroot pi9=/x: unknown target 'pi9' (did you mean pi0?); a directory whose name holds '=' is written ./pi9=/x")]
    [InlineData("pi1=", "--sysroot pi1=: give pi1 one sysroot, as --sysroot pi1=DIR")]
    public void A_sysroot_for_an_unknown_board_or_none_is_a_usage_error(string value, string message)
    {
        var error = Assert.ThrowsAny<PiBuildException>(() => CgoOptions.From(true, [value], ProjectConfig.Empty, null, Catalog));
        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.StartsWith(message.Split(" (did you mean")[0], error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_directory_with_an_equals_sign_is_a_directory_when_written_with_a_slash()
    {
        var options = CgoOptions.From(true, ["./a=b"], ProjectConfig.Empty, null, Catalog);
        Assert.Equal(Path.GetFullPath("./a=b"), options.SysrootFor(Catalog.Get("pi2")));
        Assert.ThrowsAny<PiBuildException>(() => CgoOptions.From(true, ["/one", "/two"], ProjectConfig.Empty, null, Catalog));
    }

    [Fact]
    public void A_sysroot_without_cgo_is_said_before_anything_is_built()
    {
        var options = CgoOptions.From(false, ["/some/sysroot"], ProjectConfig.Empty, null, Catalog);
        var error = Assert.ThrowsAny<PiBuildException>(() => options.CheckSysrootsUsed([Catalog.Get("pi2")]));
        Assert.Equal("--sysroot is for cgo builds; add --cgo (or cgo: true in pibuild.yaml)", error.Message);
    }
}
