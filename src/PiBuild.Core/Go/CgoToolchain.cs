using PiBuild.Core.Binaries;
using PiBuild.Core.Processes;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Go;

/// <summary>
/// The C side of a cgo build for one board: Debian's cross compiler for its ABI, the board's architecture flags, and
/// the sysroot whose headers and libraries it links against (without one, the cross toolchain's own root and Debian's
/// multiarch directories, whose armhf libraries are ARMv7: right for a Pi 2 and the -32 boards, wrong for a Pi 0 or 1).
/// Build paths are left to go's -trimpath (a release's), which gives the C compiler its own -ffile-prefix-map: one here
/// would put the project's absolute path into the CGO_CFLAGS go records in the binary.
/// </summary>
internal sealed record CgoToolchain(TargetProfile Target, string Triplet, string Package, IReadOnlyList<string> Flags, string? Sysroot)
{
    public string CCompiler => $"{Triplet}-gcc";

    public string CxxCompiler => $"{Triplet}-g++";

    public static CgoToolchain For(TargetProfile target, string? sysroot)
    {
        var (triplet, package, flags) = (target.GoArch, target.GoArm?.Level) switch
        {
            ("arm64", _) => ("aarch64-linux-gnu", "gcc-aarch64-linux-gnu libc6-dev-arm64-cross", Array.Empty<string>()),
            ("arm", 6) => ("arm-linux-gnueabihf", "gcc-arm-linux-gnueabihf libc6-dev-armhf-cross", new[] { "-march=armv6", "-mfpu=vfp", "-mfloat-abi=hard", "-marm" }),
            ("arm", 7) => ("arm-linux-gnueabihf", "gcc-arm-linux-gnueabihf libc6-dev-armhf-cross", new[] { "-march=armv7-a", "-mfpu=neon-vfpv4", "-mfloat-abi=hard" }),
            _ => throw new ConfigurationException($"cgo for '{target.Name}' ({target.GoOs}/{target.GoArch}) has no C cross toolchain pibuild knows; build it without --cgo"),
        };
        if (sysroot is not null && !Directory.Exists(sysroot))
        {
            throw new ConfigurationException($"--sysroot {sysroot} is not a directory; make one with: pibuild sysroot --on pi@host -o {sysroot}");
        }

        return new CgoToolchain(target, triplet, package, flags, sysroot is null ? null : Path.GetFullPath(sysroot));
    }

    /// <summary>The compiler must be installed: a usage error with the apt-get line otherwise.</summary>
    public void CheckInstalled(Func<string, string?> getVariable)
    {
        if (ExecutableSearch.FindOnPath(CCompiler, getVariable("PATH")) is null)
        {
            throw new ConfigurationException($"cgo for {Target.Name} needs {CCompiler}; install it: sudo apt-get install -y {Package}");
        }
    }

    /// <summary>CGO_ENABLED, CC, CXX and the flags go passes to them.</summary>
    public IReadOnlyDictionary<string, string?> Environment()
    {
        string[] sysroot = Sysroot is null ? [] : [$"--sysroot={Sysroot}"];
        var compile = string.Join(' ', ["-O2", "-g", .. Flags, .. sysroot]);
        return new Dictionary<string, string?>
        {
            ["CGO_ENABLED"] = "1",
            ["CC"] = CCompiler,
            ["CXX"] = CxxCompiler,
            ["CGO_CFLAGS"] = compile,
            ["CGO_CXXFLAGS"] = compile,
            ["CGO_LDFLAGS"] = compile,
        };
    }

    /// <summary>Where the board's shared libraries are found: the sysroot's, else the cross root's and Debian's multiarch ones.</summary>
    public IReadOnlyList<string> LibraryDirectories => Sysroot is { } root
        ? [Path.Combine(root, "usr", "lib", Triplet), Path.Combine(root, "lib", Triplet), Path.Combine(root, "usr", "lib"), Path.Combine(root, "lib")]
        : [$"/usr/{Triplet}/lib", $"/lib/{Triplet}", $"/usr/lib/{Triplet}"];

    /// <summary>
    /// The startup object that sets the linked code's architecture, when it is beyond the board: names what to replace
    /// (Debian's crt1.o is ARMv7) in a failed check.
    /// </summary>
    public string? ArchitectureCulprit()
    {
        if (Target.GoArm is not { } goarm)
        {
            return null;
        }

        foreach (var crt in LibraryDirectories.Select(d => Path.Combine(d, "crt1.o")).Where(File.Exists))
        {
            using var image = BinaryImage.Open(crt);
            if (ElfFile.TryRead(image)?.ArmCpuArch is { } arch && !arch.RunsOnGoArm(goarm.Level))
            {
                return $"{crt} is {arch} code";
            }
        }

        return null;
    }
}
