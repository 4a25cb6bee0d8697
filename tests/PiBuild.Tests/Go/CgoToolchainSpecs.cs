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
    public void A_sysroot_reaches_compiler_and_linker_its_libraries_and_start_files_come_first_and_its_headers_get_board_paths()
    {
        using var dir = new TempTree();
        var sysroot = dir.Directory("sysroot/usr/lib/arm-linux-gnueabihf", up: 3);
        dir.File("sysroot/lib/ld-linux-armhf.so.3");
        var cgo = CgoToolchain.For(Catalog.Get("pi1"), sysroot, dir.Paths);
        var env = cgo.Environment();
        Assert.Contains($"--sysroot={sysroot} -ffile-prefix-map={sysroot}/=/", env["CGO_CFLAGS"], StringComparison.Ordinal);
        Assert.Equal(
            $"-O2 -g -march=armv6 -mfpu=vfp -mfloat-abi=hard -marm --sysroot={sysroot} -B{cgo.StartFiles}/ -L{sysroot}/usr/lib/arm-linux-gnueabihf -L{sysroot}/lib/arm-linux-gnueabihf",
            env["CGO_LDFLAGS"]);
        Assert.StartsWith(Path.Combine(dir.Paths.CacheDirectory, "cgo", "arm-linux-gnueabihf-"), cgo.StartFiles, StringComparison.Ordinal);
        Assert.Equal(Path.Combine(sysroot, "usr", "lib", "arm-linux-gnueabihf"), cgo.LibraryDirectories[0]);
    }

    [Fact]
    public void The_start_files_are_links_to_the_sysroots_own_and_its_newest_gcc_runtime_and_follow_it()
    {
        using var dir = new TempTree();
        var sysroot = dir.Directory("sysroot", up: 0);
        dir.File("sysroot/usr/lib/arm-linux-gnueabihf/crt1.o");
        dir.File("sysroot/lib/ld-linux-armhf.so.3");
        dir.File("sysroot/usr/lib/arm-linux-gnueabihf/crti.o");
        dir.File("sysroot/usr/lib/gcc/arm-linux-gnueabihf/10/crtbegin.o");
        dir.File("sysroot/usr/lib/gcc/arm-linux-gnueabihf/12/crtbegin.o");
        dir.File("sysroot/usr/lib/gcc/arm-linux-gnueabihf/12/libgcc.a");
        dir.File("sysroot/usr/lib/gcc/arm-linux-gnueabihf/12/cc1");
        var cgo = CgoToolchain.For(Catalog.Get("pi1"), sysroot, dir.Paths);

        cgo.PrepareStartFiles();
        Assert.Equal(["crt1.o", "crtbegin.o", "crti.o", "libgcc.a"], Directory.GetFileSystemEntries(cgo.StartFiles!).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(Path.Combine(sysroot, "usr/lib/gcc/arm-linux-gnueabihf/12/crtbegin.o"), new FileInfo(Path.Combine(cgo.StartFiles!, "crtbegin.o")).LinkTarget);

        // The sysroot loses its gcc runtime (copied again from a Pi without libgcc-N-dev): the cross compiler's is linked again.
        Directory.Delete(Path.Combine(sysroot, "usr/lib/gcc"), recursive: true);
        cgo.PrepareStartFiles();
        Assert.Equal(["crt1.o", "crti.o"], Directory.GetFileSystemEntries(cgo.StartFiles!).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_profiles_cflags_replace_the_boards_default_architecture_flags()
    {
        var catalog = ProfileCatalog.FromLayers([ProfileLayer.LoadBuiltIn(), new ProfileLayer(ProfileLayer.Project, [new ProfileSourceFile("pi4-32.yaml", "name: pi4-32\nextends: pi4-32\ncflags: [-mcpu=cortex-a72, -mfpu=neon-fp-armv8, -mfloat-abi=hard]\n")])]);
        var env = CgoToolchain.For(catalog.Get("pi4-32"), sysroot: null).Environment();
        Assert.Equal("-O2 -g -mcpu=cortex-a72 -mfpu=neon-fp-armv8 -mfloat-abi=hard", env["CGO_CFLAGS"]);
        Assert.NotEqual(Catalog.Get("pi4-32").Fingerprint(), catalog.Get("pi4-32").Fingerprint());

        var bad = Assert.ThrowsAny<PiBuildException>(() => ProfileCatalog.FromLayers([ProfileLayer.LoadBuiltIn(), new ProfileLayer(ProfileLayer.Project, [new ProfileSourceFile("pi2.yaml", "name: pi2\nextends: pi2\ncflags: [march=armv7-a]\n")])]).Get("pi2"));
        Assert.Equal("pi2.yaml:3:10: 'cflags' holds one C compiler option per item, starting with '-', not 'march=armv7-a'", bad.Message);
    }

    [Fact]
    public void A_sysroot_of_the_other_word_size_is_refused_before_any_build()
    {
        using var dir = new TempTree();
        var armhf = dir.Directory("sysroot/usr/lib/arm-linux-gnueabihf", up: 3);
        var refused = Assert.ThrowsAny<PiBuildException>(() => CgoToolchain.For(Catalog.Get("pi4"), armhf, dir.Paths));
        Assert.Equal(ExitCodes.Usage, refused.ExitCode);
        Assert.StartsWith($"sysroot {armhf} has no usr/lib/aarch64-linux-gnu: it is not a 64-bit (arm64) system as pi4 needs", refused.Message, StringComparison.Ordinal);

        var noLoader = Assert.ThrowsAny<PiBuildException>(() => CgoToolchain.For(Catalog.Get("pi2"), armhf, dir.Paths));
        Assert.Equal($"sysroot {armhf} has no lib/ld-linux-armhf.so.3 (the board's dynamic loader, which the linker needs); make the sysroot from the Pi: pibuild sysroot --on pi@host -o DIR", noLoader.Message);
    }

    /// <summary>A temporary directory with pibuild paths (cache, config) inside it.</summary>
    private sealed class TempTree : IDisposable
    {
        private readonly string _root = System.IO.Directory.CreateTempSubdirectory("pibuild-cgo-").FullName;

        public PiBuildPaths Paths => new(System.IO.Path.Combine(_root, "cache"), System.IO.Path.Combine(_root, "config"));

        /// <summary>Creates <paramref name="relative"/> and returns its ancestor <paramref name="up"/> levels up.</summary>
        public string Directory(string relative, int up)
        {
            var path = System.IO.Path.Combine(_root, relative);
            System.IO.Directory.CreateDirectory(path);
            for (var i = 0; i < up; i++)
            {
                path = System.IO.Path.GetDirectoryName(path)!;
            }

            return path;
        }

        public void File(string relative)
        {
            var path = System.IO.Path.Combine(_root, relative);
            System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            System.IO.File.WriteAllText(path, "");
        }

        public void Dispose() => System.IO.Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public void A_missing_compiler_or_sysroot_is_a_usage_error_with_the_fix()
    {
        var missing = Assert.ThrowsAny<PiBuildException>(() => CgoToolchain.For(Catalog.Get("pi2"), null).CheckInstalled(_ => "/nonexistent"));
        Assert.Equal(ExitCodes.Usage, missing.ExitCode);
        Assert.Equal("cgo for pi2 needs arm-linux-gnueabihf-gcc; install it: sudo apt-get install -y gcc-arm-linux-gnueabihf libc6-dev-armhf-cross", missing.Message);

        var noSysroot = Assert.ThrowsAny<PiBuildException>(() => CgoToolchain.For(Catalog.Get("pi1"), "/nonexistent/sysroot", PiBuildPaths.FromEnvironment(_ => null)));
        Assert.Equal(ExitCodes.Usage, noSysroot.ExitCode);
        Assert.Contains("pibuild sysroot --on pi@host -o /nonexistent/sysroot", noSysroot.Message, StringComparison.Ordinal);
    }
}
