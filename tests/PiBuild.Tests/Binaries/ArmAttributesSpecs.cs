using PiBuild.Core.Binaries;
using PiBuild.Core.Targets;

namespace PiBuild.Tests.Binaries;

public sealed class ArmAttributesSpecs
{
    /// <summary>An .ARM.attributes section as gcc writes one: format 'A', the "aeabi" subsection, Tag_File with a CPU name and arch.</summary>
    private static byte[] Section(string cpuName, int cpuArch, params byte[] more)
    {
        byte[] attributes = [5, .. System.Text.Encoding.ASCII.GetBytes(cpuName), 0, 6, (byte)cpuArch, 7, (byte)'A', .. more];
        byte[] file = [1, .. Le(5 + attributes.Length), .. attributes];
        byte[] vendor = [.. "aeabi"u8, 0];
        return [(byte)'A', .. Le(4 + vendor.Length + file.Length), .. vendor, .. file];
    }

    private static byte[] Le(int value) => BitConverter.GetBytes(value);

    private static ArchLevel Level(int goarm) => new("linux", "arm", new GoArm(goarm, FloatAbi.Default), null);

    [Theory]
    [InlineData("6", 6, "ARMv6", true, true)]
    [InlineData("6KZ", 7, "ARMv6KZ", true, true)]
    [InlineData("6K", 9, "ARMv6K", true, true)]
    [InlineData("6T2", 8, "ARMv6T2", false, true)]
    [InlineData("7-A", 10, "ARMv7", false, true)]
    [InlineData("8-A", 14, "ARMv8-A", false, false)]
    public void Tag_CPU_arch_is_read_and_judged_against_the_boards_GOARM(string name, int tag, string shown, bool onPi1, bool onPi2)
    {
        var arch = ArmAttributes.CpuArch(Section(name, tag), little: true);
        Assert.Equal(new ArmArchitecture(tag), arch);
        Assert.Equal(shown, arch!.Value.ToString());
        Assert.Equal(onPi1, Level(6).RunsArmCode(arch.Value.Tag));
        Assert.Equal(onPi2, Level(7).RunsArmCode(arch.Value.Tag));
    }

    [Fact]
    public void Sections_without_the_aeabi_file_attributes_or_cut_short_say_nothing()
    {
        Assert.Null(ArmAttributes.CpuArch([], little: true));
        Assert.Null(ArmAttributes.CpuArch("B"u8, little: true));
        Assert.Null(ArmAttributes.CpuArch(Section("7-A", 10)[..9], little: true));
        Assert.Null(ArmAttributes.CpuArch([(byte)'A', 3, 0, 0, 0], little: true));
    }
}
