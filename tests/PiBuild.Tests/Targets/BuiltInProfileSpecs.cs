using PiBuild.Core.Targets;

namespace PiBuild.Tests.Targets;

public sealed class BuiltInProfileSpecs
{
    private readonly ProfileCatalog _catalog = ProfileCatalog.FromLayers([ProfileLayer.LoadBuiltIn()]);

    [Fact]
    public void The_built_in_profiles_are_every_Pi_from_the_Zero_to_the_Pi_5_in_32_and_64_bits()
    {
        Assert.Equal(["pi0", "pi1", "pi2", "pi3", "pi3-32", "pi4", "pi4-32", "pi5", "pi5-32", "zero2", "zero2-32"], _catalog.Names);
        Assert.All(_catalog.All, p => Assert.Equal(ProfileLayer.BuiltIn, p.Origin.Layer));
    }

    /// <summary>Each board: its SoC and CPU, the code it runs, and the CPU qemu-user emulates it with.</summary>
    public static TheoryData<string, string, string, string, string, string> Boards => new()
    {
        { "pi0", "BCM2835", "ARM1176JZF-S", "arm", "6", "arm1176" },
        { "pi1", "BCM2835", "ARM1176JZF-S", "arm", "6", "arm1176" },
        { "pi2", "BCM2836", "Cortex-A7", "arm", "7", "cortex-a7" },
        { "pi3", "BCM2837", "Cortex-A53", "arm64", "v8.0", "cortex-a53" },
        { "pi3-32", "BCM2837", "Cortex-A53", "arm", "7", "cortex-a7" },
        { "zero2", "RP3A0", "Cortex-A53", "arm64", "v8.0", "cortex-a53" },
        { "zero2-32", "RP3A0", "Cortex-A53", "arm", "7", "cortex-a7" },
        { "pi4", "BCM2711", "Cortex-A72", "arm64", "v8.0", "cortex-a72" },
        { "pi4-32", "BCM2711", "Cortex-A72", "arm", "7", "cortex-a15" },
        { "pi5", "BCM2712", "Cortex-A76", "arm64", "v8.2", "cortex-a76" },
        { "pi5-32", "BCM2712", "Cortex-A76", "arm", "7", "cortex-a15" },
    };

    [Theory]
    [MemberData(nameof(Boards))]
    public void Each_board_builds_the_code_its_CPU_runs_and_is_emulated_with_that_CPU(string name, string soc, string cpu, string goarch, string level, string qemuCpu)
    {
        var board = _catalog.Get(name);
        Assert.Equal((soc, cpu, "linux", goarch, qemuCpu), (board.Soc, board.Cpu, board.GoOs, board.GoArch, board.QemuCpu));
        Assert.Equal(level, board.GoArm?.ToString() ?? board.GoArm64?.ToString());
        Assert.Equal(goarch == "arm64" ? 64 : 32, board.UserlandBits);
        Assert.Equal(goarch == "arm64" ? "arm64" : "armv6l", board.Bootstrap?.ArchiveArch);
    }

    [Fact]
    public void A_32_bit_profile_extends_its_board_without_its_64_bit_level()
    {
        var pi4 = _catalog.Get("pi4-32");
        Assert.Equal(["pi4"], pi4.Extends);
        Assert.Null(pi4.GoArm64);
        Assert.Equal(new GoArm(7, FloatAbi.Default), pi4.GoArm);
        Assert.Equal("linux-arm-7", pi4.Platform);
        Assert.Equal("linux-arm64-v8.2", _catalog.Get("pi5").Platform);
    }

    [Fact]
    public void Pi1_is_an_ARMv6_ARM1176_with_GOARM_6_emulated_as_arm1176()
    {
        var pi1 = _catalog.Get("pi1");
        Assert.Equal("Raspberry Pi 1 Model B+", pi1.Board);
        Assert.Equal("BCM2835", pi1.Soc);
        Assert.Equal("ARM1176JZF-S", pi1.Cpu);
        Assert.Equal("ARMv6", pi1.Get(ProfileKeys.Isa));
        Assert.Equal("VFPv2", pi1.Get(ProfileKeys.Fpu));
        Assert.Equal(512, pi1.Get(ProfileKeys.MemoryMb));
        Assert.Equal(("linux", "arm"), (pi1.GoOs, pi1.GoArch));
        Assert.Equal(new GoArm(6, FloatAbi.Default), pi1.GoArm);
        Assert.Equal("arm1176", pi1.QemuCpu);
        Assert.False(pi1.Cgo);
        Assert.Equal("linux-arm-6", pi1.Platform);
    }

    [Fact]
    public void Pi2_is_a_quad_Cortex_A7_with_GOARM_7_emulated_as_cortex_a7()
    {
        var pi2 = _catalog.Get("pi2");
        Assert.Equal("Raspberry Pi 2 Model B", pi2.Board);
        Assert.Equal("BCM2836", pi2.Soc);
        Assert.Equal("Cortex-A7", pi2.Cpu);
        Assert.Equal(4, pi2.Cores);
        Assert.Equal("ARMv7-A", pi2.Get(ProfileKeys.Isa));
        Assert.Equal("VFPv4+NEON", pi2.Get(ProfileKeys.Fpu));
        Assert.Equal(1024, pi2.Get(ProfileKeys.MemoryMb));
        Assert.Equal(new GoArm(7, FloatAbi.Default), pi2.GoArm);
        Assert.Equal("cortex-a7", pi2.QemuCpu);
    }

    [Theory]
    [InlineData("pi1")]
    [InlineData("pi2")]
    public void Every_board_builds_with_1_MiB_thread_stacks_and_a_tenfold_test_timeout(string name)
    {
        var profile = _catalog.Get(name);
        Assert.Equal(1024, profile.ThreadStackKb);
        Assert.Equal(10, profile.TestTimeoutScale);
        Assert.Equal(new BootstrapSource("go-index", "armv6l", null, null), profile.Bootstrap);
    }
}
