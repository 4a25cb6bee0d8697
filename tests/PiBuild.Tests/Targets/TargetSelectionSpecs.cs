using PiBuild.Core;
using PiBuild.Core.Targets;

namespace PiBuild.Tests.Targets;

/// <summary>"Which board?" is decided in one place, the same way for every command.</summary>
public sealed class TargetSelectionSpecs : IDisposable
{
    private readonly ProfileCatalog _catalog = ProfileCatalog.FromLayers([ProfileLayer.LoadBuiltIn()]);
    private readonly TempDirectory _root = new();

    [Fact]
    public void Targets_may_be_given_comma_separated_or_repeated_and_keep_their_order()
    {
        var targets = TargetSelection.Many(_catalog, ["pi2,pi1", "pi2"], [], "cross");
        Assert.Equal(["pi2", "pi1"], targets.Select(t => t.Name));
    }

    [Fact]
    public void Without_named_targets_the_projects_configured_ones_are_built()
    {
        Assert.Equal(["pi1"], TargetSelection.Many(_catalog, [], ["pi1"], "release").Select(t => t.Name));
        Assert.Equal(["pi2"], TargetSelection.Many(_catalog, ["pi2"], ["pi1"], "release").Select(t => t.Name));
    }

    [Fact]
    public void A_build_of_many_with_no_board_at_all_says_how_to_name_one()
    {
        var e = Assert.Throws<ConfigurationException>(() => TargetSelection.Many(_catalog, [], [], "cross"));
        Assert.Equal("cross needs a board: --target pi2 (or pi1,pi2; see: pibuild targets), or list 'targets' in pibuild.yaml", e.Message);
        Assert.Equal(2, e.ExitCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("pi1,pi2")]
    [InlineData("pi1 pi2")]
    public void A_command_about_one_board_needs_exactly_one(string named)
    {
        var e = Assert.Throws<ConfigurationException>(() => TargetSelection.Named(_catalog, named.Split(' ', StringSplitOptions.RemoveEmptyEntries), "verify"));
        Assert.Equal("verify needs exactly one board: --target pi1 (see: pibuild targets)", e.Message);
    }

    [Fact]
    public void On_the_device_the_named_board_wins_over_the_detected_one()
    {
        _root.Write("proc/device-tree/model", "Raspberry Pi 2 Model B Rev 1.1\0");
        Assert.Equal("pi2", TargetSelection.ThisBoard(_catalog, [], _root.Path, "build").Name);
        Assert.Equal("pi1", TargetSelection.ThisBoard(_catalog, ["pi1"], _root.Path, "build").Name);
    }

    [Fact]
    public void A_machine_that_is_not_a_known_Pi_points_to_cross_and_target()
    {
        _root.Write("proc/cpuinfo", "processor\t: 0\nCPU part\t: 0xd99\n");
        var e = Assert.Throws<ConfigurationException>(() => TargetSelection.ThisBoard(_catalog, [], _root.Path, "test"));
        Assert.Equal("this machine is not a known Raspberry Pi (CPU part 0xd99); on a laptop use 'pibuild cross --target pi2', or name the board with --target", e.Message);
    }

    public void Dispose() => _root.Dispose();
}
