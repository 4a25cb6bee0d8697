namespace PiBuild.IntegrationTests.Infrastructure;

/// <summary>
/// armhf sysroots for cgo tests, laid out as Debian and Raspberry Pi OS lay them (usr/lib/arm-linux-gnueabihf,
/// usr/include, lib → usr/lib), from the machine's multiarch packages (libc6-dev:armhf, zlib1g-dev:armhf).
/// </summary>
public static class CgoSysroots
{
    private const string Triplet = "arm-linux-gnueabihf";
    private static readonly string[] ArmV6Flags = ["-march=armv6", "-mfpu=vfp", "-mfloat-abi=hard", "-marm"];

    /// <summary>
    /// Debian's armhf libraries and headers: ARMv7 code, right for a Pi 2, not for a Pi 1; with the dpkg data saying
    /// which package holds each library (the .shlibs and .symbols of libc6:armhf and zlib1g:armhf), as <c>pibuild
    /// sysroot</c> copies it from a Pi.
    /// </summary>
    public static async Task<string> DebianArmhfAsync(string root)
    {
        var info = Path.Combine(root, "var", "lib", "dpkg", "info");
        Directory.CreateDirectory(info);
        foreach (var data in Directory.GetFiles("/var/lib/dpkg/info", "*:armhf.shlibs").Concat(Directory.GetFiles("/var/lib/dpkg/info", "*:armhf.symbols")))
        {
            File.Copy(data, Path.Combine(info, Path.GetFileName(data)));
        }

        Directory.CreateDirectory(Path.Combine(root, "usr", "lib"));
        Directory.CreateDirectory(Path.Combine(root, "usr", "include"));
        (await Run.ProgramAsync("cp", ["-a", $"/usr/lib/{Triplet}", Path.Combine(root, "usr", "lib")])).AssertSucceeded();
        File.CreateSymbolicLink(Path.Combine(root, "lib"), "usr/lib");
        File.CreateSymbolicLink(Path.Combine(root, "usr", "lib", "ld-linux-armhf.so.3"), $"{Triplet}/ld-linux-armhf.so.3");
        string[] headers = [.. Directory.GetFiles("/usr/include", "*.h"), $"/usr/include/{Triplet}", "/usr/include/linux", "/usr/include/asm-generic"];
        (await Run.ProgramAsync("cp", ["-a", .. headers, Path.Combine(root, "usr", "include")])).AssertSucceeded();
        return root;
    }

    /// <summary>
    /// Debian's armhf sysroot with the objects every program is linked from replaced by hand-made ARMv6 ones, as a
    /// Raspberry Pi OS sysroot has them: crt1.o, crti.o and crtn.o, and (<paramref name="withGccRuntime"/>, on a Pi
    /// part of libgcc-N-dev) crtbegin.o and crtend.o under usr/lib/gcc. Its shared libc is still Debian's ARMv7 one:
    /// what links against it runs on a Cortex-A7, and only proves on paper that it would on an ARM1176.
    /// </summary>
    public static async Task<string> HandMadeArmV6Async(string root, bool withGccRuntime)
    {
        await DebianArmhfAsync(root);
        var sources = Path.Combine(root, "..", Path.GetFileName(root) + "-sources");
        Directory.CreateDirectory(sources);
        var lib = Path.Combine(root, "usr", "lib", Triplet);

        // glibc's _start for ARM, in ARMv6 instructions: __libc_start_main(main, argc, argv, NULL, NULL, rtld_fini, stack_end).
        await AssembleAsync(sources, lib, "crt1", """
            	.arch armv6
            	.arm
            	.text
            	.global _start
            	.type _start, %function
            _start:
            	mov fp, #0
            	mov lr, #0
            	pop {r1}
            	mov r2, sp
            	push {r2}
            	push {r0}
            	mov r3, #0
            	push {r3}
            	ldr r0, =main
            	bl __libc_start_main
            	bl abort
            """);
        await AssembleAsync(sources, lib, "crti", """
            	.arch armv6
            	.arm
            	.section .init
            	.global _init
            	.type _init, %function
            _init:
            	push {r3, lr}
            	.section .fini
            	.global _fini
            	.type _fini, %function
            _fini:
            	push {r3, lr}
            """);
        await AssembleAsync(sources, lib, "crtn", """
            	.arch armv6
            	.arm
            	.section .init
            	pop {r3, pc}
            	.section .fini
            	pop {r3, pc}
            """);

        if (withGccRuntime)
        {
            var runtime = Path.Combine(root, "usr", "lib", "gcc", Triplet, await GccVersionAsync());
            Directory.CreateDirectory(runtime);
            await AssembleAsync(sources, runtime, "crtbegin", """
                	.arch armv6
                	.data
                	.global __dso_handle
                	.hidden __dso_handle
                	.align 2
                __dso_handle:
                	.word 0
                """);
            await AssembleAsync(sources, runtime, "crtend", """
                	.arch armv6
                	.section .eh_frame,"a"
                	.align 2
                	.word 0
                """);
        }

        return root;
    }

    /// <summary>The cross compiler's major version, the name of its runtime directory (12 on Debian 12).</summary>
    public static async Task<string> GccVersionAsync()
    {
        var version = await Run.ProgramAsync($"{Triplet}-gcc", ["-dumpversion"]);
        version.AssertSucceeded();
        return version.StandardOutput.Trim().Split('.')[0];
    }

    private static async Task AssembleAsync(string sources, string directory, string name, string assembly)
    {
        var source = Path.Combine(sources, name + ".s");
        await File.WriteAllTextAsync(source, assembly + "\n");
        (await Run.ProgramAsync($"{Triplet}-gcc", [.. ArmV6Flags, "-c", source, "-o", Path.Combine(directory, name + ".o")])).AssertSucceeded();
    }
}
