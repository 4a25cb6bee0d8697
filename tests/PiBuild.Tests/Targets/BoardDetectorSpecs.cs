using PiBuild.Core.Targets;

namespace PiBuild.Tests.Targets;

/// <summary>
/// Board detection reads a Pi's /proc and its userland; here they are a few files under a temp root: the model the
/// device tree gives, cpuinfo's CPU part, and a /bin/sh whose ELF class is the userland's word size.
/// </summary>
public sealed class BoardDetectorSpecs : IDisposable
{
    private readonly TempDirectory _root = new();
    private readonly IReadOnlyList<TargetProfile> _profiles = ProfileCatalog.FromLayers([ProfileLayer.LoadBuiltIn()]).All;

    /// <summary>Every model string of the Raspberry Pi documentation's table, on the userland its profile runs.</summary>
    public static TheoryData<string, int, string> Models => new()
    {
        { "Raspberry Pi Model B Rev 2", 32, "pi1" },
        { "Raspberry Pi Model A Rev 2", 32, "pi1" },
        { "Raspberry Pi Model B Plus Rev 1.2", 32, "pi1" },
        { "Raspberry Pi Model A Plus Rev 1.1", 32, "pi1" },
        { "Raspberry Pi Compute Module Rev 1.0", 32, "pi1" },
        { "Raspberry Pi Zero Rev 1.3", 32, "pi0" },
        { "Raspberry Pi Zero W Rev 1.1", 32, "pi0" },
        { "Raspberry Pi 2 Model B Rev 1.1", 32, "pi2" },
        { "Raspberry Pi 2 Model B Rev 1.2", 32, "pi2" },
        { "Raspberry Pi 3 Model B Rev 1.2", 64, "pi3" },
        { "Raspberry Pi 3 Model B Rev 1.2", 32, "pi3-32" },
        { "Raspberry Pi 3 Model B Plus Rev 1.3", 64, "pi3" },
        { "Raspberry Pi 3 Model B Plus Rev 1.3", 32, "pi3-32" },
        { "Raspberry Pi 3 Model A Plus Rev 1.0", 64, "pi3" },
        { "Raspberry Pi Compute Module 3 Rev 1.0", 32, "pi3-32" },
        { "Raspberry Pi Compute Module 3 Plus Rev 1.0", 64, "pi3" },
        { "Raspberry Pi Zero 2 W Rev 1.0", 64, "zero2" },
        { "Raspberry Pi Zero 2 W Rev 1.0", 32, "zero2-32" },
        { "Raspberry Pi 4 Model B Rev 1.5", 64, "pi4" },
        { "Raspberry Pi 4 Model B Rev 1.5", 32, "pi4-32" },
        { "Raspberry Pi 400 Rev 1.0", 64, "pi4" },
        { "Raspberry Pi Compute Module 4 Rev 1.0", 64, "pi4" },
        { "Raspberry Pi Compute Module 4S Rev 1.0", 32, "pi4-32" },
        { "Raspberry Pi 5 Model B Rev 1.0", 64, "pi5" },
        { "Raspberry Pi 5 Model B Rev 1.0", 32, "pi5-32" },
        { "Raspberry Pi 500 Rev 1.0", 64, "pi5" },
        { "Raspberry Pi Compute Module 5 Rev 1.0", 64, "pi5" },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void The_device_tree_model_and_the_userland_name_the_board(string model, int userland, string expected)
    {
        _root.Write("proc/device-tree/model", model + "\0");
        Shell(userland);
        var board = new BoardDetector(_root.Path).Detect(_profiles);
        Assert.Equal(expected, board.Profile?.Name);
        Assert.Equal(model, board.Model);
        Assert.Equal(userland, board.UserlandBits);
    }

    [Fact]
    public void A_32_bit_userland_on_a_64_bit_kernel_is_32_bit_whatever_uname_says()
    {
        // What Raspberry Pi OS (32-bit) on a Pi 4 looks like: an aarch64 kernel, armhf programs.
        _root.Write("proc/device-tree/model", "Raspberry Pi 4 Model B Rev 1.4\0");
        _root.Write("proc/sys/kernel/arch", "aarch64\n");
        _root.Write("proc/cpuinfo", "processor\t: 0\nCPU architecture: 8\nCPU part\t: 0xd08\n");
        Shell(32);
        Assert.Equal("pi4-32", new BoardDetector(_root.Path).Detect(_profiles).Profile?.Name);
    }

    [Fact]
    public void Sh_may_be_a_link_into_the_userland_as_on_Debian()
    {
        _root.Write("proc/device-tree/model", "Raspberry Pi 5 Model B Rev 1.0\0");
        Directory.CreateDirectory(_root.Combine("bin"));
        File.WriteAllBytes(_root.Combine("bin", "dash"), SyntheticElf(64));
        File.CreateSymbolicLink(_root.Combine("bin", "sh"), "/bin/dash");
        Assert.Equal("pi5", new BoardDetector(_root.Path).Detect(_profiles).Profile?.Name);
    }

    [Theory]
    [InlineData("ld-linux-aarch64.so.1", "pi4")]
    [InlineData("ld-linux-armhf.so.3", "pi4-32")]
    public void Without_a_readable_sh_the_dynamic_loader_present_tells_the_userland(string loader, string expected)
    {
        _root.Write("proc/device-tree/model", "Raspberry Pi 4 Model B Rev 1.5\0");
        _root.Write($"lib/{loader}", "");
        Assert.Equal(expected, new BoardDetector(_root.Path).Detect(_profiles).Profile?.Name);
    }

    [Theory]
    [InlineData("0xc07", 32, "pi2")]
    [InlineData("0xb76", 32, "pi0")]
    [InlineData("0xd03", 64, "pi3")]
    [InlineData("0xd08", 32, "pi4-32")]
    [InlineData("0xd0b", 64, "pi5")]
    public void Without_a_device_tree_the_CPU_part_in_cpuinfo_decides(string part, int userland, string expected)
    {
        _root.Write("proc/cpuinfo", $"processor\t: 0\nmodel name\t: ARMv7 Processor rev 5 (v7l)\nCPU implementer\t: 0x41\nCPU part\t: {part}\n");
        Shell(userland);
        Assert.Equal(expected, new BoardDetector(_root.Path).Detect(_profiles).Profile?.Name);
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

    [Fact]
    public void A_model_pibuild_does_not_know_matches_nothing_rather_than_the_nearest_board()
    {
        _root.Write("proc/device-tree/model", "Raspberry Pi 6 Model B Rev 1.0\0");
        _root.Write("proc/cpuinfo", "CPU part\t: 0xd0b\n");
        Shell(64);
        Assert.Null(new BoardDetector(_root.Path).Detect(_profiles).Profile);
    }

    private void Shell(int bits)
    {
        Directory.CreateDirectory(_root.Combine("bin"));
        File.WriteAllBytes(_root.Combine("bin", "sh"), SyntheticElf(bits));
    }

    /// <summary>The start of an ELF file of the given class, which is all detection reads.</summary>
    private static byte[] SyntheticElf(int bits) => [0x7f, (byte)'E', (byte)'L', (byte)'F', (byte)(bits == 64 ? 2 : 1), 1, 1, 0, .. new byte[56]];

    public void Dispose() => _root.Dispose();
}
