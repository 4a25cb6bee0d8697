using PiBuild.Core.Binaries;

namespace PiBuild.Tests.Binaries;

public sealed class GoBuildInfoSpecs
{
    [Fact]
    public void Build_settings_are_read_as_go_version_m_prints_them()
    {
        var info = GoBuildInfo.TryRead(new SyntheticBinary().Bytes(), elf: null)!;
        Assert.Equal("go1.19.8", info.GoVersion);
        Assert.Equal("cmd/helloworld", info.Path);
        Assert.Equal("linux", info.Setting("GOOS"));
        Assert.Equal("arm", info.Setting("GOARCH"));
        Assert.Equal("6", info.Setting("GOARM"));
        Assert.Null(info.Setting("GOAMD64"));
    }

    [Fact]
    public void Quoted_setting_values_are_unquoted()
    {
        var info = GoBuildInfo.Parse("go1.22.6", "path\tx\nbuild\t-ldflags=\"-s -w\"\nbuild\tGOARM=7\n");
        Assert.Equal("-s -w", info.Setting("-ldflags"));
        Assert.Equal("7", info.Setting("GOARM"));
    }

    [Fact]
    public void A_magic_string_that_is_not_16_byte_aligned_is_not_mistaken_for_build_info()
    {
        var bytes = new byte[256];
        byte[] magic = [0xff, .. " Go buildinf:"u8];
        magic.CopyTo(bytes, 17);
        Assert.Null(GoBuildInfo.TryRead(bytes, elf: null));
    }
}
