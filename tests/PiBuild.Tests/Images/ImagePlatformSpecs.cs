using PiBuild.Core.Images;
using PiBuild.Core.Targets;

namespace PiBuild.Tests.Images;

/// <summary>
/// Which entry of an image index each board's container runtime pulls (containerd's matcher: same OS and architecture,
/// the highest variant at or below the board's own), and which board an entry is then judged by — what only the
/// registry tests showed, as a table.
/// </summary>
public sealed class ImagePlatformSpecs
{
    private static readonly ProfileCatalog Catalog = ProfileCatalog.FromLayers([ProfileLayer.LoadBuiltIn()]);

    private static OciPlatform Platform(string text) => text.Split('/') is var p && p.Length == 3 ? new OciPlatform(p[0], p[1], p[2]) : new OciPlatform(p[0], p[1], null);

    private static string? Pulled(string board, params string[] entries) =>
        ImagePlatforms.Pulled(entries.Select(Platform), ImagePlatforms.Of(Catalog.Get(board))) is { } e ? $"{e.Os}/{e.Architecture}{(e.Variant is { } v ? "/" + v : "")}" : null;

    [Theory]
    [InlineData("pi0", "linux/arm/v6")]
    [InlineData("pi1", "linux/arm/v6")]
    [InlineData("pi2", "linux/arm/v7")]
    [InlineData("pi3-32", "linux/arm/v7")]
    [InlineData("zero2-32", "linux/arm/v7")]
    [InlineData("pi3", "linux/arm64/v8")]
    [InlineData("pi4", "linux/arm64/v8")]
    [InlineData("pi5", "linux/arm64/v8")]
    public void Each_board_pulls_its_own_entry_from_an_index_that_has_one_for_every_level(string board, string expected) =>
        Assert.Equal(expected, Pulled(board, "linux/arm/v6", "linux/arm/v7", "linux/arm64/v8", "linux/amd64"));

    [Fact]
    public void An_armv7_board_falls_back_to_the_v6_entry_and_an_armv6_board_never_takes_v7()
    {
        Assert.Equal("linux/arm/v6", Pulled("pi2", "linux/arm/v6", "linux/amd64"));
        Assert.Null(Pulled("pi1", "linux/arm/v7", "linux/arm64/v8"));
    }

    [Fact]
    public void An_arm_entry_without_a_variant_is_v7_so_a_pi_1_does_not_pull_it()
    {
        Assert.Equal("linux/arm", Pulled("pi2", "linux/arm"));
        Assert.Null(Pulled("pi0", "linux/arm"));
        Assert.Equal("linux/arm/v6", Pulled("pi2", "linux/arm/v6", "linux/arm/v5"));
    }

    [Fact]
    public void An_arm64_entry_without_a_variant_is_v8_the_same_entry_as_one_that_says_so()
    {
        Assert.Equal("linux/arm64", Pulled("pi4", "linux/arm64"));
        Assert.Equal("linux/arm64", Pulled("pi3", "linux/arm64", "linux/arm64/v8"));
        Assert.Equal(ImagePlatforms.AsPulled(Platform("linux/arm64")), ImagePlatforms.AsPulled(Platform("linux/arm64/v8")));
    }

    [Fact]
    public void A_64_bit_board_does_not_pull_a_32_bit_entry()
    {
        // Its runtime asks for linux/arm64; a Pi OS 64-bit could run armhf code, but no runtime picks it for you.
        Assert.Null(Pulled("pi4", "linux/arm/v7", "linux/arm/v6"));
    }

    [Theory]
    [InlineData("linux/arm/v6", "pi0")]
    [InlineData("linux/arm/v7", "pi2")]
    [InlineData("linux/arm", "pi2")]
    [InlineData("linux/arm64/v8", "pi3")]
    [InlineData("linux/arm64", "pi3")]
    public void An_entry_is_judged_by_the_lowest_built_in_board_that_pulls_it(string entry, string board) =>
        Assert.Equal(board, ImagePlatforms.LowestBoard(Platform(entry), Catalog)?.Name);

    [Fact]
    public void An_entry_for_no_pi_has_no_board_to_judge_it_by() =>
        Assert.Null(ImagePlatforms.LowestBoard(Platform("linux/amd64"), Catalog));
}
