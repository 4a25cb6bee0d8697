using PiBuild.Core;
using PiBuild.Core.Go;
using PiBuild.Core.Targets;

namespace PiBuild.Tests.Go;

public sealed class CgoToolchainSpecs
{
    private static readonly ProfileCatalog Catalog = ProfileCatalog.FromLayers([ProfileLayer.LoadBuiltIn()]);

    [Theory]
    [InlineData("pi1", "arm-linux-gnueabihf-gcc", "-march=armv6 -mfpu=vfp -mfloat-abi=hard -marm")]
    [InlineData("pi0", "arm-linux-gnueabihf-gcc", "-march=armv6 -mfpu=vfp -mfloat-abi=hard -marm")]
    [InlineData("pi2", "arm-linux-gnueabihf-gcc", "-march=armv7-a -mfpu=neon-vfpv4 -mfloat-abi=hard")]
    [InlineData("pi4-32", "arm-linux-gnueabihf-gcc", "-march=armv7-a -mfpu=neon-vfpv4 -mfloat-abi=hard")]
    [InlineData("pi4", "aarch64-linux-gnu-gcc", "")]
    public void Each_board_gets_its_ABIs_cross_compiler_and_its_architecture_flags(string board, string cc, string flags)
    {
        var cgo = CgoToolchain.For(Catalog.Get(board), sysroot: null);
        var env = cgo.Environment();
        Assert.Equal("1", env["CGO_ENABLED"]);
        Assert.Equal(cc, env["CC"]);
        Assert.Equal(cc[..^3] + "g++", env["CXX"]);
        Assert.Equal($"-O2 -g {flags}".TrimEnd(), env["CGO_CFLAGS"]);
        Assert.Equal($"-O2 -g {flags}".TrimEnd(), env["CGO_LDFLAGS"]);
    }

    [Fact]
    public void A_sysroot_reaches_compiler_and_linker_and_is_where_libraries_are_looked_for()
    {
        var sysroot = Directory.CreateTempSubdirectory("pibuild-sysroot-").FullName;
        try
        {
            var cgo = CgoToolchain.For(Catalog.Get("pi1"), sysroot);
            var env = cgo.Environment();
            Assert.Contains($"--sysroot={sysroot}", env["CGO_CFLAGS"], StringComparison.Ordinal);
            Assert.Contains($"--sysroot={sysroot}", env["CGO_LDFLAGS"], StringComparison.Ordinal);
            Assert.Equal(Path.Combine(sysroot, "usr", "lib", "arm-linux-gnueabihf"), cgo.LibraryDirectories[0]);
        }
        finally
        {
            Directory.Delete(sysroot);
        }
    }

    [Fact]
    public void A_missing_compiler_or_sysroot_is_a_usage_error_with_the_fix()
    {
        var missing = Assert.ThrowsAny<PiBuildException>(() => CgoToolchain.For(Catalog.Get("pi2"), null).CheckInstalled(_ => "/nonexistent"));
        Assert.Equal(ExitCodes.Usage, missing.ExitCode);
        Assert.Equal("cgo for pi2 needs arm-linux-gnueabihf-gcc; install it: sudo apt-get install -y gcc-arm-linux-gnueabihf libc6-dev-armhf-cross", missing.Message);

        var noSysroot = Assert.ThrowsAny<PiBuildException>(() => CgoToolchain.For(Catalog.Get("pi1"), "/nonexistent/sysroot"));
        Assert.Equal(ExitCodes.Usage, noSysroot.ExitCode);
        Assert.Contains("pibuild sysroot --on pi@host -o /nonexistent/sysroot", noSysroot.Message, StringComparison.Ordinal);
    }
}
