using PiBuild.IntegrationTests.Infrastructure;

namespace PiBuild.IntegrationTests.Cross;

/// <summary>
/// cgo with Debian's cross compilers: a C function and Debian's zlib (multiarch zlib1g-dev:armhf and :arm64), built
/// for each board's ABI and architecture flags, verified (loader, libraries, Tag_CPU_arch), and run under qemu with the
/// board's CPU. Debian's armhf C library is ARMv7: a Pi 1 build against it is refused, naming the object.
/// </summary>
[Collection(GoCacheCollection.Name)]
public sealed class CgoTests(SharedGoCache cache) : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string Module() => CgoModule.Write(_dir.Combine("withc"));

    private Task<RunResult> PiBuild(params string[] args) => Run.PiBuildAsync(args, _dir.Path, cache.Environment());

    [Fact]
    public async Task A_cgo_program_with_zlib_is_built_for_pi2_pi4_and_pi3_32_verified_and_runs_on_their_CPUs()
    {
        var module = Module();
        var cross = await PiBuild("cross", "--cgo", "--target", "pi2,pi4,pi3-32", "-C", module);
        cross.AssertSucceeded();
        foreach (var target in new[] { "pi2", "pi4", "pi3-32" })
        {
            Assert.Matches($@"{target}\s+withc/bin/{target}/withc\s.*verified", cross.StandardOutput);
            var run = await PiBuild("run", "--cgo", "--target", target, "-C", module, ".");
            run.AssertSucceeded();
            Assert.Equal("C says 42 zlib 1.2.13\n", run.StandardOutput);
        }

        var elf = await Run.ProgramAsync("readelf", ["-d", "-l", Path.Combine(module, "bin", "pi2", "withc")]);
        Assert.Contains("[Requesting program interpreter: /lib/ld-linux-armhf.so.3]", elf.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Shared library: [libz.so.1]", elf.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pi1_cgo_build_against_Debians_ARMv7_C_library_is_refused_naming_the_object()
    {
        var module = Module();
        var result = await PiBuild("cross", "--cgo", "--target", "pi1", "-C", module);
        result.AssertExit(1);
        Assert.Contains("the linked code needs ARMv7 (Tag_CPU_arch in .ARM.attributes)", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("/usr/arm-linux-gnueabihf/lib/crt1.o is ARMv7 code (Debian's armhf libraries are ARMv7)", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("--sysroot DIR", result.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(module, "bin", "pi1", "withc")));
    }

    [Fact]
    public async Task A_sysroot_is_compiled_linked_and_emulated_against_and_an_ARMv7_one_is_refused_for_pi1()
    {
        var module = Module();
        var sysroot = await CgoSysroots.DebianArmhfAsync(_dir.Combine("armhf-sysroot"));
        var run = await PiBuild("run", "--cgo", "--sysroot", sysroot, "--target", "pi2", "-C", module, "--verbose", ".");
        run.AssertSucceeded();
        Assert.Contains("C says 42 zlib 1.2.13", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"--sysroot={sysroot}", run.StandardError, StringComparison.Ordinal);
        Assert.Contains($"-L {sysroot}", run.StandardError, StringComparison.Ordinal);

        var pi1 = await PiBuild("cross", "--cgo", "--sysroot", sysroot, "--target", "pi1", "-C", module);
        pi1.AssertExit(1);
        Assert.Contains($"the code comes from the sysroot: {sysroot}/usr/lib/arm-linux-gnueabihf/crt1.o is ARMv7 code (this sysroot is not the board's)", pi1.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pi1_cgo_build_with_an_ARMv6_sysroot_passes_and_one_lacking_the_boards_gcc_runtime_is_refused_naming_crtbegin()
    {
        var module = Module();
        var gcc = await CgoSysroots.GccVersionAsync();

        // The sysroot's own startup files are linked, not the cross root's; Debian's cross gcc still brings its ARMv7 crtbegin.o.
        var noRuntime = await CgoSysroots.HandMadeArmV6Async(_dir.Combine("armv6-no-gcc-runtime"), withGccRuntime: false);
        var refused = await PiBuild("cross", "--cgo", "--sysroot", noRuntime, "--target", "pi1", "-C", module);
        refused.AssertExit(1);
        Assert.Contains($"the code comes from the C compiler's runtime: /usr/lib/gcc-cross/arm-linux-gnueabihf/{gcc}/crtbegin.o is ARMv7 code", refused.StandardError, StringComparison.Ordinal);
        Assert.Contains($"install libgcc-{gcc}-dev on the Pi", refused.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(module, "bin", "pi1", "withc")));

        var sysroot = await CgoSysroots.HandMadeArmV6Async(_dir.Combine("armv6"), withGccRuntime: true);
        var cross = await PiBuild("cross", "--cgo", "--sysroot", sysroot, "--target", "pi1", "-C", module);
        cross.AssertSucceeded();
        var binary = Path.Combine(module, "bin", "pi1", "withc");
        var attributes = await Run.ProgramAsync("readelf", ["-A", binary]);
        Assert.Matches(@"(?m)^\s*Tag_CPU_arch: v6$", attributes.StandardOutput);
        Assert.Contains("Tag_THUMB_ISA_use: Thumb-1", attributes.StandardOutput, StringComparison.Ordinal);

        // Its shared libc is Debian's ARMv7 one (a real Raspberry Pi OS sysroot's is ARMv6): it runs on a Cortex-A7.
        var run = await Qemu.RunAsync("cortex-a7", binary);
        run.AssertSucceeded();
        Assert.Equal("C says 42 zlib 1.2.13\n", run.StandardOutput);
    }

    [Fact]
    public async Task A_header_changed_in_the_sysroot_is_compiled_again_though_gos_cache_never_looks_at_it()
    {
        var module = _dir.Combine("header");
        Directory.CreateDirectory(module);
        File.WriteAllText(Path.Combine(module, "go.mod"), "module example.com/header\n\ngo 1.19\n");
        File.WriteAllText(Path.Combine(module, "main.go"), """
            package main

            // #include <answer.h>
            // static int answer(void) { return ANSWER; }
            import "C"

            import "fmt"

            func main() { fmt.Println("the sysroot says", C.answer()) }
            """);
        var sysroot = await CgoSysroots.DebianArmhfAsync(_dir.Combine("armhf-sysroot"));
        var header = Path.Combine(sysroot, "usr", "include", "answer.h");
        File.WriteAllText(header, "#define ANSWER 1\n");
        var first = await PiBuild("run", "--cgo", "--sysroot", sysroot, "--target", "pi2", "-C", module, ".");
        first.AssertSucceeded();
        Assert.Equal("the sysroot says 1\n", first.StandardOutput);

        // The Pi was upgraded and the sysroot copied again: same size, a newer header.
        File.WriteAllText(header, "#define ANSWER 2\n");
        File.SetLastWriteTimeUtc(header, DateTime.UtcNow.AddMinutes(1));
        var second = await PiBuild("run", "--cgo", "--sysroot", sysroot, "--target", "pi2", "-C", module, ".");
        second.AssertSucceeded();
        Assert.Equal("the sysroot says 2\n", second.StandardOutput);
    }

    public void Dispose() => _dir.Dispose();
}
