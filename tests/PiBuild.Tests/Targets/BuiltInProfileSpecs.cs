using PiBuild.Core.Targets;

namespace PiBuild.Tests.Targets;

public sealed class BuiltInProfileSpecs
{
    private readonly ProfileCatalog _catalog = ProfileCatalog.FromLayers([ProfileLayer.LoadBuiltIn()]);

    [Fact]
    public void The_built_in_profiles_are_the_Pi_1_Model_B_plus_and_the_Pi_2_Model_B()
    {
        Assert.Equal(["pi1", "pi2"], _catalog.Names);
        Assert.All(_catalog.All, p => Assert.Equal(ProfileLayer.BuiltIn, p.Origin.Layer));
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
