using PiBuild.IntegrationTests.Infrastructure;

namespace PiBuild.IntegrationTests.Cross;

/// <summary>
/// pibuild verify on Go programs linked by Debian's ARM C toolchain (cgo): what the linked C code needs, as its
/// .ARM.attributes record it, and the dynamic loader, judged against the board. Debian's armhf crt1.o and libc are
/// ARMv7: such a binary must be refused for a Pi 1 even though Go itself emitted ARMv6 code.
/// </summary>
[Collection(GoCacheCollection.Name)]
public sealed class LinkedCodeVerifyTests(SharedGoCache cache) : IDisposable
{
    private readonly TempDirectory _dir = new();

    private Task<string> BuildWithC(string name, params string[] ldflags) => BuildWithC(name, "6", ldflags);

    private async Task<string> BuildWithC(string name, string goarm, string[] ldflags)
    {
        var module = CgoModule.Write(_dir.Combine(name));
        var environment = cache.Environment();
        environment["CGO_ENABLED"] = "1";
        environment["CC"] = "arm-linux-gnueabihf-gcc";
        environment["GOOS"] = "linux";
        environment["GOARCH"] = "arm";
        environment["GOARM"] = goarm;
        environment["GOFLAGS"] = null;
        environment["GOCACHE"] = Path.Combine(cache.CacheHome, "by-hand-cgo");
        var output = Path.Combine(module, "withc");
        string[] flags = ldflags.Length > 0 ? ["-ldflags", "-extldflags=" + string.Join(' ', ldflags)] : [];
        (await Run.ProgramAsync("go", ["build", .. flags, "-o", output, "."], module, environment)).AssertSucceeded();
        return output;
    }

    private Task<RunResult> Verify(string target, string binary, params string[] more) =>
        Run.PiBuildAsync(["verify", "--target", target, binary, .. more], _dir.Path, cache.Environment());

    [Fact]
    public async Task A_binary_linked_with_Debians_ARMv7_C_library_is_refused_for_a_Pi_1_naming_the_architecture()
    {
        var binary = await BuildWithC("debian-armhf");
        var pi1 = await Verify("pi1", binary);
        pi1.AssertExit(1);
        Assert.Contains("the linked code needs ARMv7 (Tag_CPU_arch in .ARM.attributes), the board's ARM1176JZF-S runs ARMv6", pi1.StandardError, StringComparison.Ordinal);
        Assert.Contains("an ARMv6 sysroot", pi1.StandardError, StringComparison.Ordinal);

        // On a Pi 2 the same code is fine; what is left, when asked for, is that the binary is not static.
        var pi2 = await Verify("pi2", binary, "--static");
        pi2.AssertExit(1);
        Assert.DoesNotContain("Tag_CPU_arch", pi2.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("dynamic loader", pi2.StandardError, StringComparison.Ordinal);
        Assert.Contains("expected a static executable", pi2.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_binary_that_asks_for_another_systems_dynamic_loader_is_refused()
    {
        var binary = await BuildWithC("soft-float-loader", "-Wl,--dynamic-linker=/lib/ld-linux.so.3");
        var result = await Verify("pi2", binary);
        result.AssertExit(1);
        Assert.Contains("dynamic loader: expected /lib/ld-linux-armhf.so.3, found /lib/ld-linux.so.3", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dynamically_linked_binary_right_for_the_board_passes_and_says_what_it_needs_there()
    {
        var binary = await BuildWithC("armv7-dynamic", "7", []);
        var result = await Verify("pi2", binary);
        result.AssertSucceeded();
        Assert.Contains("GOARM=7  verified", result.StandardOutput, StringComparison.Ordinal);
        // The module links zlib as well as the C library.
        Assert.Matches(@"\n +dynamically linked: needs /lib/ld-linux-armhf\.so\.3(, lib(z\.so\.1|c\.so\.6)){2} on the board\n", result.StandardOutput);

        var demanded = await Verify("pi2", binary, "--static");
        demanded.AssertExit(1);
        Assert.Contains("expected a static executable", demanded.StandardError, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
