using System.Security.Cryptography;
using System.Text;
using PiBuild.Core.Binaries;
using PiBuild.Core.FileSystem;
using PiBuild.Core.Processes;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Go;

/// <summary>
/// The C side of a cgo build for one board: Debian's cross compiler for its ABI, the board's architecture flags (or
/// its profile's <c>cflags</c>), and the sysroot whose headers and libraries it links against. Without one, the
/// cross toolchain's own root and Debian's multiarch directories are used, whose armhf code is ARMv7: right for a Pi 2
/// and the -32 boards, wrong for a Pi 0 or 1.
/// </summary>
/// <remarks>
/// Debian's cross gcc looks for startup files and libc in its own root (/usr/&lt;triplet&gt;/lib) before the sysroot's,
/// and for crtbegin.o and libgcc in its own directory: with a sysroot, those come from <see cref="StartFiles"/>, a
/// directory of links to the sysroot's own (passed as -B; the sysroot's gcc directory itself holds the board's cc1 and
/// collect2, which -B would run), and -L puts the sysroot's libraries first. Build paths are left to go's -trimpath (a
/// release's), which gives the C compiler its own -ffile-prefix-map and keeps CGO_* flags out of the binary.
/// </remarks>
/// <param name="StartFiles">With a sysroot: where the links to its startup files and gcc runtime are made.</param>
internal sealed record CgoToolchain(TargetProfile Target, BoardAbi Abi, string Package, IReadOnlyList<string> Flags, string? Sysroot, string? StartFiles)
{
    /// <summary>The objects the C compiler links around every program, in link order: they decide its architecture.</summary>
    private static readonly string[] LinkedStartFiles = ["crt1.o", "crti.o", "crtbegin.o", "crtend.o", "crtn.o"];

    private static readonly string[] LibcStartFiles = ["crt1.o", "crti.o", "crtn.o", "Scrt1.o"];

    private static readonly string[] GccRuntimeFiles = ["crtbegin.o", "crtbeginS.o", "crtbeginT.o", "crtend.o", "crtendS.o", "libgcc.a", "libgcc_eh.a", "libgcc_s.so"];

    public string Triplet => Abi.Triplet;

    public string CCompiler => Abi.CCompiler;

    public string CxxCompiler => Abi.CxxCompiler;

    /// <param name="paths">Where the sysroot's start-file links go (under the cache).</param>
    public static CgoToolchain For(TargetProfile target, string? sysroot, PiBuildPaths? paths = null)
    {
        var noToolchain = new ConfigurationException($"cgo for '{target.Name}' ({target.GoOs}/{target.GoArch}) has no C cross toolchain pibuild knows; build it without --cgo");
        var abi = BoardAbi.Of(target) ?? throw noToolchain;
        var flags = target.Level.CFlags(abi) ?? throw noToolchain;

        // On the board itself (pibuild build --cgo on a Pi) the compiler is the system's own, by the same name.
        var native = (System.Runtime.InteropServices.RuntimeInformation.OSArchitecture, abi.Bits) is
            (System.Runtime.InteropServices.Architecture.Arm64, 64) or (System.Runtime.InteropServices.Architecture.Arm, 32);
        var package = native ? BoardAbi.NativePackages : abi.CrossPackages;
        var triplet = abi.Triplet;

        var architecture = target.Get(ProfileKeys.CFlags) is { Count: > 0 } own ? own : flags;
        if (sysroot is null)
        {
            return new CgoToolchain(target, abi, package, architecture, null, null);
        }

        if (!Directory.Exists(sysroot))
        {
            throw new ConfigurationException($"--sysroot {sysroot} is not a directory; make one with: pibuild sysroot --on pi@host -o {sysroot}");
        }

        var root = Path.GetFullPath(sysroot).TrimEnd('/');
        if (!TripletDirectories(root, triplet).Any(Directory.Exists))
        {
            throw new ConfigurationException(
                $"sysroot {root} has no usr/lib/{triplet}: it is not a {abi.Describe} system as {target.Name} needs; " +
                $"make one from a Pi running that system: pibuild sysroot --on pi@host -o DIR");
        }

        // The linker reads the loader's path from the sysroot; without it, ld's "cannot find /lib/…" says little.
        if (!File.Exists(root + abi.Loader))
        {
            throw new ConfigurationException(
                $"sysroot {root} has no {abi.Loader.TrimStart('/')} (the board's dynamic loader, which the linker needs); make the sysroot from the Pi: pibuild sysroot --on pi@host -o DIR");
        }

        // One directory per sysroot and ABI: the links are remade before each build, so it follows the sysroot.
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{root}\n{triplet}")))[..16];
        var startFiles = Path.Combine((paths ?? throw new ArgumentNullException(nameof(paths))).CacheDirectory, "cgo", $"{triplet}-{key}");
        return new CgoToolchain(target, abi, package, architecture, root, startFiles);
    }

    /// <summary>The compiler must be installed: a usage error with the apt-get line otherwise.</summary>
    public void CheckInstalled(Func<string, string?> getVariable)
    {
        if (ExecutableSearch.FindOnPath(CCompiler, getVariable("PATH")) is null)
        {
            throw new ConfigurationException($"cgo for {Target.Name} needs {CCompiler}; install it: sudo apt-get install -y {Package}");
        }
    }

    /// <summary>The compiler's version, the first line of its --version (for a release's manifest).</summary>
    public async Task<string> VersionAsync(ProcessRunner runner, CancellationToken cancellationToken)
    {
        var result = await runner.RunAsync(ProcessSpec.Plain(CCompiler, ["--version"], "/"), cancellationToken: cancellationToken).ConfigureAwait(false);
        return result.Succeeded
            ? result.StandardOutput.Split('\n')[0].Trim()
            : throw new WorkFailedException($"{CCompiler} --version failed: {result.FirstLine}");
    }

    /// <summary>
    /// CGO_ENABLED, CC, CXX and the flags go passes to them. With a sysroot, its <see cref="SysrootDigest.Stamp"/> is
    /// passed as a define: go's cache never looks at headers outside the package, so a changed sysroot must change the flags.
    /// </summary>
    public IReadOnlyDictionary<string, string?> Environment()
    {
        // Debug information names the sysroot's headers as they lie on the board (/usr/include/zlib.h).
        string[] sysroot = Sysroot is null ? [] : [$"--sysroot={Sysroot}", $"-ffile-prefix-map={Sysroot}/=/", $"-D_PIBUILD_SYSROOT={SysrootDigest.Stamp(Sysroot)}"];
        var compile = string.Join(' ', ["-O2", "-g", .. Flags, .. sysroot]);
        return new Dictionary<string, string?>
        {
            ["CGO_ENABLED"] = "1",
            ["CC"] = CCompiler,
            ["CXX"] = CxxCompiler,
            ["CGO_CFLAGS"] = compile,
            ["CGO_CXXFLAGS"] = compile,
            ["CGO_LDFLAGS"] = string.Join(' ', LinkFlags.Prepend("-g").Prepend("-O2")),
        };
    }

    /// <summary>What the C compiler is told when it links: the architecture, and the sysroot's start files and libraries first.</summary>
    private IReadOnlyList<string> LinkFlags => Sysroot is { } root
        ? [.. Flags, $"--sysroot={root}", $"-B{StartFiles}/", .. TripletDirectories(root, Triplet).Select(d => $"-L{d}")]
        : Flags;

    /// <summary>Where the board's shared libraries are found: the sysroot's, else the cross root's and Debian's multiarch ones.</summary>
    public IReadOnlyList<string> LibraryDirectories => Sysroot is { } root
        ? [.. TripletDirectories(root, Triplet), Path.Combine(root, "usr", "lib"), Path.Combine(root, "lib")]
        : [$"/usr/{Triplet}/lib", $"/lib/{Triplet}", $"/usr/lib/{Triplet}"];

    /// <summary>A sysroot's multiarch library directories, where Debian and Raspberry Pi OS keep libc and the rest.</summary>
    private static string[] TripletDirectories(string root, string triplet) => [Path.Combine(root, "usr", "lib", triplet), Path.Combine(root, "lib", triplet)];

    /// <summary>
    /// The sysroot's gcc runtime (crtbegin.o, libgcc), from its gcc directory of the highest version (on a Pi, part of
    /// libgcc-N-dev); null when it has none, and the cross compiler's own is linked.
    /// </summary>
    public string? SysrootGccRuntime() => Sysroot is { } root && Directory.Exists(Path.Combine(root, "usr", "lib", "gcc", Triplet))
        ? Directory.EnumerateDirectories(Path.Combine(root, "usr", "lib", "gcc", Triplet))
            .Where(d => File.Exists(Path.Combine(d, "crtbegin.o")))
            .OrderByDescending(d => int.TryParse(Path.GetFileName(d).Split('.')[0], out var major) ? major : -1)
            .FirstOrDefault()
        : null;

    /// <summary>Makes <see cref="StartFiles"/>: links to the sysroot's startup files and gcc runtime, nothing else.</summary>
    public void PrepareStartFiles()
    {
        if (StartFiles is null || Sysroot is null)
        {
            return;
        }

        var wanted = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in LibcStartFiles)
        {
            if (LibraryDirectories.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists) is { } found)
            {
                wanted[name] = found;
            }
        }

        if (SysrootGccRuntime() is { } runtime)
        {
            foreach (var name in GccRuntimeFiles.Where(n => File.Exists(Path.Combine(runtime, n))))
            {
                wanted[name] = Path.Combine(runtime, name);
            }
        }

        Directory.CreateDirectory(StartFiles);
        foreach (var stale in Directory.EnumerateFileSystemEntries(StartFiles).Where(e => !wanted.ContainsKey(Path.GetFileName(e))))
        {
            File.Delete(stale);
        }

        foreach (var (name, target) in wanted)
        {
            var link = Path.Combine(StartFiles, name);
            if (new FileInfo(link).LinkTarget != target)
            {
                // Made beside and renamed over: a build running at the same time sees the old link or the new one.
                var fresh = $"{link}.{System.Environment.ProcessId}.new";
                File.Delete(fresh);
                File.CreateSymbolicLink(fresh, target);
                File.Move(fresh, link, overwrite: true);
            }
        }
    }

    /// <summary>
    /// When the linked code's architecture is beyond the board: which start file made it so (asking the compiler which
    /// it links) and the way out, for a failed check's message; null when none is.
    /// </summary>
    public async Task<string?> ArchitectureCulpritAsync(ProcessRunner runner, CancellationToken cancellationToken)
    {
        if (Target.GoArm is null)
        {
            return null;
        }

        foreach (var name in LinkedStartFiles)
        {
            var asked = await runner.RunAsync(ProcessSpec.Plain(CCompiler, [.. LinkFlags, $"-print-file-name={name}"], "/"), cancellationToken: cancellationToken).ConfigureAwait(false);
            var printed = asked.StandardOutput.Trim();
            if (!asked.Succeeded || !Path.IsPathRooted(printed) || !File.Exists(printed))
            {
                continue;
            }

            var file = PosixFiles.RealPath(printed) ?? Path.GetFullPath(printed);
            using var image = BinaryImage.Open(file);
            if (ElfFile.TryRead(image)?.ArmCpuArch is not { } arch || Target.Level.RunsArmCode(arch.Tag))
            {
                continue;
            }

            if (Sysroot is { } root && file.StartsWith(root + "/", StringComparison.Ordinal))
            {
                return $"the code comes from the sysroot: {file} is {arch} code (this sysroot is not the board's); make one of the board's own OS (pibuild sysroot --on pi@host -o DIR) and build with --sysroot DIR";
            }

            if (name.StartsWith("crtbegin", StringComparison.Ordinal) || name.StartsWith("crtend", StringComparison.Ordinal))
            {
                var version = Path.GetFileName(Path.GetDirectoryName(file));
                return $"the code comes from the C compiler's runtime: {file} is {arch} code (Debian's cross compilers are built for ARMv7); " +
                       $"give a sysroot with the board's own: install libgcc-{version}-dev on the Pi, then make the sysroot again (pibuild sysroot --on pi@host -o DIR)";
            }

            return $"the code comes from the C library: {file} is {arch} code (Debian's armhf libraries are ARMv7); make a sysroot of the board's own OS (pibuild sysroot --on pi@host -o DIR) and build with --sysroot DIR";
        }

        return null;
    }
}
