using PiBuild.Core.Targets;

namespace PiBuild.Tests.Targets;

/// <summary>Board detection reads a Pi's /proc; here /proc is a few files under a temp root.</summary>
public sealed class BoardDetectorSpecs : IDisposable
{
    private readonly TempDirectory _root = new();
    private readonly IReadOnlyList<TargetProfile> _profiles = ProfileCatalog.FromLayers([ProfileLayer.LoadBuiltIn()]).All;

    [Theory]
    [InlineData("Raspberry Pi 2 Model B Rev 1.1\0", "pi2")]
    [InlineData("Raspberry Pi Model B Plus Rev 1.2\0", "pi1")]
    [InlineData("Raspberry Pi Zero W Rev 1.1\0", "pi1")]
    public void The_device_tree_model_names_the_board(string model, string expected)
    {
        _root.Write("proc/device-tree/model", model);
        var board = new BoardDetector(_root.Path).Detect(_profiles);
        Assert.Equal(expected, board.Profile?.Name);
        Assert.Equal(model.TrimEnd('\0'), board.Model);
    }

    [Fact]
    public void Without_a_device_tree_the_CPU_part_in_cpuinfo_decides()
    {
        _root.Write("proc/cpuinfo", "processor\t: 0\nmodel name\t: ARMv7 Processor rev 5 (v7l)\nCPU implementer\t: 0x41\nCPU part\t: 0xc07\n");
        Assert.Equal("pi2", new BoardDetector(_root.Path).Detect(_profiles).Profile?.Name);
    }

    [Fact]
    public void A_machine_that_is_not_a_Pi_matches_no_profile()
    {
        _root.Write("proc/cpuinfo", "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R)\n");
        var board = new BoardDetector(_root.Path).Detect(_profiles);
        Assert.Null(board.Profile);
        Assert.Null(board.Model);
        Assert.Null(board.CpuPart);
    }

    public void Dispose() => _root.Dispose();
}
