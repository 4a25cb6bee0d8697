using PiBuild.Core.FileSystem;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Binaries;

/// <summary>What a binary was found to be, and every way it does not fit its target (empty when it fits).</summary>
public sealed record BinaryCheck(string Path, long Size, IReadOnlyList<string> Problems)
{
    /// <summary>Its ELF headers; null when it is not ELF.</summary>
    internal ElfFile? Elf { get; init; }

    /// <summary>What Go recorded in it; null when it is not a Go binary (or predates Go 1.13).</summary>
    internal GoBuildInfo? BuildInfo { get; init; }

    public bool Passed => Problems.Count == 0;

    /// <summary>The board it was judged for, when that is not the one asked (an image entry of another platform).</summary>
    public string? JudgedAs { get; init; }

    /// <summary>The Go release that built it ("go1.19.8"), as recorded in the binary.</summary>
    public string? GoVersion => BuildInfo?.GoVersion;

    public string? GoOs => BuildInfo?.Setting("GOOS");

    public string? GoArch => BuildInfo?.Setting("GOARCH");

    /// <summary>GOARM as recorded in the binary itself, not as the profile asked.</summary>
    public string? GoArm => BuildInfo?.Setting("GOARM");

    public string? GoArm64 => BuildInfo?.Setting("GOARM64");

    /// <summary>The dynamic loader a dynamically linked binary asks for; null for a static one.</summary>
    public string? Loader => Elf?.Interpreter;

    /// <summary>The shared libraries it needs on the board (DT_NEEDED), in its own order.</summary>
    public IReadOnlyList<string> Needs => Elf?.Needed ?? [];

    /// <summary>Built with cgo (CGO_ENABLED=1 recorded).</summary>
    public bool Cgo => BuildInfo?.Setting("CGO_ENABLED") == "1";

    /// <summary>
    /// What the binary records it was built for: "GOARM=6", "GOARM64=v8.2", "linux/amd64"; for an ELF file that is not
    /// a Go program, that and what its code says ("not a Go program, ARMv5TE code").
    /// </summary>
    public string BuiltFor => BuildInfo is null && Elf is { } elf
        ? $"not a Go program{(elf.ArmCpuArch is { } arch ? $", {arch} code" : "")}"
        : ArchLevel.Label(GoOs, GoArch, GoArm, GoArm64);
}

/// <summary>How strict a check is. A cross-built binary must match exactly; a Go toolchain that only has to run on
/// the board may be dynamically linked, predate recorded build settings, and use a lower GOARM (ARMv6 code runs
/// on ARMv7).</summary>
internal sealed record VerificationRules(bool RequireStatic, bool RequireBuildSettings, bool AllowLowerLevel)
{
    /// <summary>For a cgo build: where each DT_NEEDED library must be found (the sysroot's, or the cross root's).</summary>
    public IReadOnlyList<string>? LibraryDirectories { get; init; }

    /// <summary>
    /// Whether the dynamic loader must be the board's own (Debian's); not in a container image, which brings its own
    /// C library (Alpine's musl loader is right there).
    /// </summary>
    public bool BoardLoader { get; init; } = true;

    /// <summary>
    /// Whether the file must be a Go program (pibuild's own builds, <c>verify --go-only</c>); otherwise an ELF file
    /// without Go build info is judged on its code alone: class, machine, ABI, loader and Tag_CPU_arch.
    /// </summary>
    public bool RequireGoProgram { get; init; }

    /// <summary>A file of a container image: runs on the board's CPU, whatever C library the image carries.</summary>
    public static VerificationRules InImage { get; } = new(false, false, true) { BoardLoader = false };

    public static VerificationRules Exact { get; } = new(true, true, false) { RequireGoProgram = true };

    public static VerificationRules RunsOnBoard { get; } = new(false, false, true);

    /// <summary>A release binary in a package for several levels (armhf: GOARM=6 for every 32-bit Pi): exact but for the level.</summary>
    public static VerificationRules RunsOnEveryLevelAbove { get; } = new(true, true, true) { RequireGoProgram = true };
}

/// <summary>
/// Proves a binary is what its target needs: the right ELF class, byte order and machine, ARM EABI5,
/// statically linked, and Go build settings (GOOS, GOARCH, GOARM) equal to the profile's. A GOARM=7 binary
/// labelled for a Pi 1 dies there with SIGILL; this catches it before anyone ships it.
/// </summary>
internal static class BinaryVerifier
{
    private static readonly HashSet<string> ElfOperatingSystems =
        ["linux", "android", "freebsd", "netbsd", "openbsd", "dragonfly", "illumos", "solaris"];

    public static BinaryCheck Check(string path, TargetProfile profile, string? expectedGoVersion = null, VerificationRules? rules = null)
    {
        rules ??= VerificationRules.Exact;
        if (PosixFiles.KindOf(path) is var kind && kind != FileKind.Regular)
        {
            return new BinaryCheck(path, 0, [kind is null ? "no such file" : $"it is {RegularFile.Describe(kind.Value)}, not a regular file"]);
        }

        BinaryImage image;
        try
        {
            image = BinaryImage.Open(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new BinaryCheck(path, 0, [$"cannot read it: {e.Message}"]);
        }

        using var opened = image;
        var problems = new List<string>();
        var elf = ElfFile.TryRead(image);
        if (ElfOperatingSystems.Contains(profile.GoOs))
        {
            CheckElf(elf, profile, rules, problems);
        }

        // An ELF target's file that is not ELF has failed already: no scan of what may be gigabytes of something else.
        var info = elf is null && ElfOperatingSystems.Contains(profile.GoOs) ? null : GoBuildInfo.TryRead(image, elf);
        if (info is null)
        {
            if (rules.RequireGoProgram)
            {
                problems.Add("no Go build info found (not a Go binary, or built by Go older than 1.13)");
            }
        }
        else
        {
            CheckSetting(info, "GOOS", profile.GoOs, rules, problems);
            CheckSetting(info, "GOARCH", profile.GoArch, rules, problems);
            // A level is only meaningful for the architecture it belongs to; a wrong GOARCH was already said.
            var otherArchitecture = info.Setting("GOARCH") is { } recordedArch && recordedArch != profile.GoArch;
            if (profile.GoArm is { } goarm && !otherArchitecture)
            {
                CheckGoArm(info, goarm, rules, problems);
            }

            if (profile.GoArch == "arm64" && !otherArchitecture)
            {
                CheckGoArm64(info, profile.GoArm64 ?? GoArm64.Default, rules, problems);
            }

            if (expectedGoVersion is not null && info.GoVersion != expectedGoVersion)
            {
                problems.Add($"Go version: expected {expectedGoVersion}, found {info.GoVersion}");
            }
        }

        // The way out of linked code that is too new is the builder's: for a Go program built with cgo here, the
        // board's own libraries; for anything else (C code, an image's entry), a build for the board.
        if (info is not null && rules.BoardLoader && profile.GoArm is { } level && problems.FindIndex(p => p.StartsWith(CpuArchitecture, StringComparison.Ordinal)) is var at and >= 0)
        {
            problems[at] += $"; link against the board's own libraries (an ARMv{level.Level} sysroot)";
        }

        return new BinaryCheck(path, image.Length, problems) { Elf = elf, BuildInfo = info };
    }

    private const string CpuArchitecture = "CPU architecture: ";

    private static void CheckElf(ElfFile? elf, TargetProfile profile, VerificationRules rules, List<string> problems)
    {
        if (elf is null)
        {
            problems.Add("not an ELF executable");
            return;
        }

        if (GoArchitecture.Find(profile.GoArch) is { } want)
        {
            var wantClass = want.Bits == 64 ? ElfFile.Class64 : ElfFile.Class32;
            if (elf.Class != wantClass || elf.LittleEndian != want.LittleEndian || elf.Machine != want.ElfMachine)
            {
                problems.Add($"machine: expected {Describe(wantClass, want.LittleEndian, want.ElfMachine)}, found {Describe(elf.Class, elf.LittleEndian, elf.Machine)}");
                return;
            }
        }

        if (profile.GoArch == "arm" && elf.ArmEabiVersion != 5)
        {
            problems.Add($"ARM ABI: expected EABI5, found EABI{elf.ArmEabiVersion}");
        }

        if (rules.RequireStatic && !profile.Cgo && !elf.IsStatic)
        {
            problems.Add("linking: expected a static executable, found a dynamically linked one (needs a C library on the board)");
        }

        // What a C toolchain linked in says it needs (Go's own linker writes no attributes): Debian's armhf crt1.o and
        // libc are ARMv7, and a binary linked with them dies on a Pi 1 although Go itself emitted ARMv6 code.
        if (profile.GoArm is { } goarm && elf.ArmCpuArch is { } arch && !profile.Level.RunsArmCode(arch.Tag))
        {
            problems.Add($"{CpuArchitecture}the linked code needs {arch} (Tag_CPU_arch in .ARM.attributes), the board's {profile.Cpu} runs ARMv{goarm.Level}");
        }

        if (rules.BoardLoader && elf.Interpreter is { } interpreter && BoardAbi.Of(profile)?.Loader is { } loader && interpreter != loader)
        {
            problems.Add($"dynamic loader: expected {loader}, found {interpreter} (linked for another system)");
        }

        if (rules.LibraryDirectories is { } directories)
        {
            foreach (var library in elf.Needed.Where(n => !directories.Any(d => File.Exists(Path.Combine(d, n)))))
            {
                problems.Add($"library {library} is not in {string.Join(", ", directories)} (the board would not start it)");
            }
        }
    }

    private static void CheckSetting(GoBuildInfo info, string key, string expected, VerificationRules rules, List<string> problems)
    {
        var found = info.Setting(key);
        if (found is null)
        {
            if (!rules.RequireBuildSettings)
            {
                return;
            }

            problems.Add($"{key}: expected {expected}, but the binary records none ({info.GoVersion} records build settings from Go 1.18 on)");
        }
        else if (found != expected)
        {
            problems.Add($"{key}: expected {expected}, found {found}");
        }
    }

    private static void CheckGoArm(GoBuildInfo info, GoArm expected, VerificationRules rules, List<string> problems)
    {
        var recorded = info.Setting("GOARM");
        if (recorded is null)
        {
            if (!rules.RequireBuildSettings)
            {
                return;
            }

            problems.Add($"GOARM: expected {expected}, but the binary records none ({info.GoVersion} records build settings from Go 1.18 on)");
            return;
        }

        // The float ABI is compared only when both sides name it: a bare "6" means the toolchain's default.
        if (!GoArm.TryParse(recorded, out var found)
            || (rules.AllowLowerLevel ? found.Level > expected.Level : found.Level != expected.Level)
            || (expected.HasFloatSuffix && found.HasFloatSuffix && found.Float != expected.Float))
        {
            problems.Add($"GOARM: expected {expected}, found {recorded}");
        }
    }

    /// <summary>
    /// Go records GOARM64 from 1.23 on; an older binary is ARMv8.0 code, which runs on every 64-bit Pi. A higher level
    /// (a Pi 5's v8.2) may use instructions a Pi 3 or 4 lacks.
    /// </summary>
    private static void CheckGoArm64(GoBuildInfo info, GoArm64 expected, VerificationRules rules, List<string> problems)
    {
        if (info.Setting("GOARM64") is not { } recorded)
        {
            return;
        }

        if (!GoArm64.TryParse(recorded, out var found)
            || (rules.AllowLowerLevel ? found.CompareTo(expected) > 0 : found.CompareTo(expected) != 0))
        {
            problems.Add($"GOARM64: expected {expected}, found {recorded}");
        }
    }

    private static string Describe(int elfClass, bool little, int machine)
    {
        var name = GoArchitecture.FindElf(elfClass == ElfFile.Class64 ? 64 : 32, little, machine)?.Name
            ?? (machine == ElfFile.MachineArm ? "arm" : $"machine {machine}");
        return $"{name} (ELF{(elfClass == ElfFile.Class32 ? 32 : 64)} {(little ? "little" : "big")}-endian)";
    }
}
