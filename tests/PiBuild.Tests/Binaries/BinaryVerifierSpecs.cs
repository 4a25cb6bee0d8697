using PiBuild.Core.Binaries;
using PiBuild.Core.Targets;

namespace PiBuild.Tests.Binaries;

public sealed class BinaryVerifierSpecs : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly ProfileCatalog _catalog = ProfileCatalog.FromLayers([ProfileLayer.LoadBuiltIn()]);

    [Fact]
    public void A_static_EABI5_ARM_binary_built_with_GOARM_6_passes_for_pi1()
    {
        var check = BinaryVerifier.Check(new SyntheticBinary().WriteTo(_dir.Path), _catalog.Get("pi1"), "go1.19.8");
        Assert.Empty(check.Problems);
        Assert.Equal("6", check.GoArm);
        Assert.Equal("cmd/helloworld", check.BuildInfo!.Path);
        Assert.True(check.Elf!.IsStatic);
        Assert.Equal(5, check.Elf.ArmEabiVersion);
    }

    [Fact]
    public void A_GOARM_7_binary_is_rejected_for_pi1_naming_expected_and_found()
    {
        var binary = new SyntheticBinary { Settings = new Dictionary<string, string> { ["GOOS"] = "linux", ["GOARCH"] = "arm", ["GOARM"] = "7" } };
        var check = BinaryVerifier.Check(binary.WriteTo(_dir.Path), _catalog.Get("pi1"));
        Assert.Equal(["GOARM: expected 6, found 7"], check.Problems);
    }

    [Fact]
    public void An_x86_64_binary_is_rejected_for_an_ARM_board()
    {
        var binary = new SyntheticBinary { ElfClass = 2, Machine = 62, Flags = 0 };
        var check = BinaryVerifier.Check(binary.WriteTo(_dir.Path), _catalog.Get("pi2"));
        Assert.Contains("machine: expected arm (ELF32 little-endian), found amd64 (ELF64 little-endian)", check.Problems);
    }

    [Fact]
    public void A_dynamically_linked_binary_is_rejected_when_the_profile_has_no_cgo()
    {
        var check = BinaryVerifier.Check(new SyntheticBinary { Dynamic = true }.WriteTo(_dir.Path), _catalog.Get("pi1"));
        Assert.Equal(["linking: expected a static executable, found a dynamically linked one (needs a C library on the board)"], check.Problems);
    }

    [Fact]
    public void An_old_ARM_ABI_is_rejected()
    {
        var check = BinaryVerifier.Check(new SyntheticBinary { Flags = 0x04000000 }.WriteTo(_dir.Path), _catalog.Get("pi1"));
        Assert.Equal(["ARM ABI: expected EABI5, found EABI4"], check.Problems);
    }

    [Fact]
    public void A_file_without_Go_build_info_is_rejected()
    {
        var check = BinaryVerifier.Check(new SyntheticBinary { WithBuildInfo = false }.WriteTo(_dir.Path), _catalog.Get("pi1"));
        Assert.Equal(["no Go build info found (not a Go binary, or built by Go older than 1.13)"], check.Problems);
    }

    [Fact]
    public void A_script_is_not_an_ELF_executable()
    {
        var path = _dir.Write("tool.sh", "#!/bin/sh\necho hi\n");
        var check = BinaryVerifier.Check(path, _catalog.Get("pi1"));
        Assert.Contains("not an ELF executable", check.Problems);
    }

    [Fact]
    public void A_binary_from_another_Go_release_than_the_toolchain_is_rejected()
    {
        var check = BinaryVerifier.Check(new SyntheticBinary().WriteTo(_dir.Path), _catalog.Get("pi1"), "go1.22.6");
        Assert.Equal(["Go version: expected go1.22.6, found go1.19.8"], check.Problems);
    }

    [Fact]
    public void The_float_ABI_is_compared_only_when_both_sides_name_it()
    {
        var hard = ProfileCatalog.FromLayers([ProfileLayer.LoadBuiltIn(), Targets.Profiles.Layer("project", ("t/h.yaml", "name: h\nextends: pi1\ngoarm: 6,hardfloat\n"))]).Get("h");
        var soft = new SyntheticBinary { Settings = new Dictionary<string, string> { ["GOOS"] = "linux", ["GOARCH"] = "arm", ["GOARM"] = "6,softfloat" } };
        var bare = new SyntheticBinary();
        Assert.Equal(["GOARM: expected 6,hardfloat, found 6,softfloat"], BinaryVerifier.Check(soft.WriteTo(_dir.Path, "soft"), hard).Problems);
        Assert.Empty(BinaryVerifier.Check(bare.WriteTo(_dir.Path, "bare"), hard).Problems);
    }

    [Theory]
    [InlineData("v8.0", "pi3", "")]
    [InlineData("v8.0", "pi4", "")]
    [InlineData("v8.0", "zero2", "")]
    [InlineData("v8.2", "pi5", "")]
    [InlineData(null, "pi5", "")]
    [InlineData(null, "pi4", "")]
    [InlineData("v8.2", "pi4", "GOARM64: expected v8.0, found v8.2")]
    [InlineData("v8.2", "pi3", "GOARM64: expected v8.0, found v8.2")]
    [InlineData("v8.0", "pi5", "GOARM64: expected v8.2, found v8.0")]
    public void An_arm64_binary_is_checked_for_the_boards_GOARM64_level_when_Go_recorded_one(string? goarm64, string board, string problem)
    {
        var check = BinaryVerifier.Check(SyntheticBinary.Arm64(goarm64).WriteTo(_dir.Path), _catalog.Get(board));
        Assert.Equal(problem.Length == 0 ? [] : [problem], check.Problems);
    }

    [Fact]
    public void A_toolchain_may_be_of_a_lower_arm64_level_than_the_board_but_not_a_higher_one()
    {
        var v80 = SyntheticBinary.Arm64("v8.0").WriteTo(_dir.Path, "v80");
        var v82 = SyntheticBinary.Arm64("v8.2").WriteTo(_dir.Path, "v82");
        Assert.Empty(BinaryVerifier.Check(v80, _catalog.Get("pi5"), rules: VerificationRules.RunsOnBoard).Problems);
        Assert.Equal(["GOARM64: expected v8.0, found v8.2"], BinaryVerifier.Check(v82, _catalog.Get("pi4"), rules: VerificationRules.RunsOnBoard).Problems);
    }

    [Fact]
    public void A_32_bit_binary_is_refused_for_a_64_bit_board_and_the_other_way_round()
    {
        var arm = BinaryVerifier.Check(new SyntheticBinary { Settings = new Dictionary<string, string> { ["GOOS"] = "linux", ["GOARCH"] = "arm", ["GOARM"] = "7" } }.WriteTo(_dir.Path, "arm"), _catalog.Get("pi4"));
        Assert.Equal(["machine: expected arm64 (ELF64 little-endian), found arm (ELF32 little-endian)", "GOARCH: expected arm64, found arm"], arm.Problems);

        var arm64 = BinaryVerifier.Check(SyntheticBinary.Arm64("v8.0").WriteTo(_dir.Path, "arm64"), _catalog.Get("pi2"));
        Assert.Equal(["machine: expected arm (ELF32 little-endian), found arm64 (ELF64 little-endian)", "GOARCH: expected arm, found arm64"], arm64.Problems);
    }

    [Fact]
    public void An_arm64_binary_for_a_32_bit_profile_of_the_same_board_is_refused()
    {
        var check = BinaryVerifier.Check(SyntheticBinary.Arm64("v8.0").WriteTo(_dir.Path), _catalog.Get("pi4-32"));
        Assert.Contains("GOARCH: expected arm, found arm64", check.Problems);
    }

    public void Dispose() => _dir.Dispose();
}
