using PiBuild.Core.Go;
using PiBuild.Core.Targets;

namespace PiBuild.Tests.Targets;

public sealed class GoArmSpecs
{
    [Theory]
    [InlineData("6", 6, nameof(FloatAbi.Default))]
    [InlineData("7,softfloat", 7, nameof(FloatAbi.SoftFloat))]
    [InlineData("5,hardfloat", 5, nameof(FloatAbi.HardFloat))]
    public void GOARM_levels_5_to_7_parse_with_an_optional_float_suffix(string text, int level, string abi)
    {
        Assert.True(GoArm.TryParse(text, out var goarm));
        Assert.Equal(new GoArm(level, Enum.Parse<FloatAbi>(abi)), goarm);
        Assert.Equal(text, goarm.ToString());
    }

    [Theory]
    [InlineData("4")]
    [InlineData("8")]
    [InlineData("7,")]
    [InlineData("7,hardfloat,x")]
    [InlineData("")]
    public void Anything_else_is_not_a_GOARM(string text) => Assert.False(GoArm.TryParse(text, out _));

    [Theory]
    [InlineData("go1.19.8", 1, 19, 8)]
    [InlineData("go1.22rc1", 1, 22, 0)]
    [InlineData("devel go1.23-abcdef Tue Jan 2", 1, 23, 0)]
    public void Go_versions_parse_as_Go_names_them(string text, int major, int minor, int patch)
    {
        var version = GoVersion.Parse(text);
        Assert.Equal((major, minor, patch), (version.Major, version.Minor, version.Patch));
    }

    [Fact]
    public void Only_Go_1_22_and_later_accept_a_GOARM_float_suffix()
    {
        Assert.False(GoVersion.Parse("go1.21.13").AcceptsGoArmFloatSuffix);
        Assert.True(GoVersion.Parse("go1.22.0").AcceptsGoArmFloatSuffix);
        Assert.True(GoVersion.Parse("go1.20.6") < GoVersion.Parse("go1.22.6"));
    }

    [Fact]
    public void A_toolchain_describes_itself_through_go_env_json()
    {
        var go = GoToolchain.Parse("/usr/bin/go", "{\"GOVERSION\": \"go1.19.8\", \"GOROOT\": \"/usr/lib/go-1.19\", \"GOHOSTOS\": \"linux\", \"GOHOSTARCH\": \"amd64\"}");
        Assert.Equal(new GoToolchain("/usr/bin/go", GoVersion.Parse("go1.19.8"), "/usr/lib/go-1.19", "linux", "amd64"), go);
    }
}
