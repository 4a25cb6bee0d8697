namespace PiBuild.Core.Targets;

/// <summary>
/// What Go's architecture names mean to the ELF files, qemu-user and word sizes pibuild checks: one row per GOARCH.
/// </summary>
internal sealed record GoArchitecture(string Name, int Bits, bool LittleEndian, int ElfMachine, string QemuName)
{
    /// <summary>EM_ARM: the one ELF machine number other code names (ARM attributes are read only for it).</summary>
    public const int ElfMachineArm = 40;

    public static IReadOnlyList<GoArchitecture> All { get; } =
    [
        new("386", 32, true, 3, "i386"),
        new("amd64", 64, true, 62, "x86_64"),
        new("arm", 32, true, ElfMachineArm, "arm"),
        new("arm64", 64, true, 183, "aarch64"),
        new("loong64", 64, true, 258, "loongarch64"),
        new("mips", 32, false, 8, "mips"),
        new("mipsle", 32, true, 8, "mipsel"),
        new("mips64", 64, false, 8, "mips64"),
        new("mips64le", 64, true, 8, "mips64el"),
        new("ppc64", 64, false, 21, "ppc64"),
        new("ppc64le", 64, true, 21, "ppc64le"),
        new("riscv64", 64, true, 243, "riscv64"),
        new("s390x", 64, false, 22, "s390x"),
    ];

    public static GoArchitecture? Find(string goArch) => All.FirstOrDefault(a => a.Name == goArch);

    /// <summary>
    /// The CPU part of the GNU triplets (<c>gcc -dumpmachine</c>) of compilers that build for it, as patterns with only
    /// '*', so that C# and the bootstrap script read the same list: armv6l, armv7l and arm are arm; i386 to i686 are 386.
    /// </summary>
    public IReadOnlyList<string> GnuCpus => Name switch
    {
        "arm" => ["arm", "armv*"],
        "386" => ["i386", "i486", "i586", "i686"],
        _ => [QemuName],
    };

    /// <summary>Whether a C compiler that says it builds for <paramref name="gnuMachine"/> (a GNU triplet) builds for this architecture.</summary>
    public bool IsBuiltForBy(string gnuMachine) =>
        GnuCpus.Any(cpu => System.IO.Enumeration.FileSystemName.MatchesSimpleExpression(cpu, gnuMachine.Split('-')[0], ignoreCase: false));

    /// <summary>The same test as a shell <c>case</c> pattern: <c>arm-*|armv*-*</c>.</summary>
    public string GnuMachineCasePattern => string.Join('|', GnuCpus.Select(cpu => cpu + "-*"));

    /// <summary>The one Go name for an ELF identity; null when Go has none.</summary>
    public static GoArchitecture? FindElf(int bits, bool littleEndian, int machine) =>
        All.FirstOrDefault(a => a.Bits == bits && a.LittleEndian == littleEndian && a.ElfMachine == machine);
}

/// <summary>
/// A board's userland ABI: the C world a binary for it lives in. Raspberry Pi OS is Debian's <c>armhf</c> (built for
/// ARMv6, so it runs on every Pi) or <c>arm64</c>; a soft-float profile is Debian's <c>armel</c>. Every fact pibuild
/// needs about that world — the GNU triplet of its C compiler and the Debian packages that bring it, its dynamic
/// loader (which also tells a device's userland apart), its Debian architecture — is in this one table.
/// </summary>
internal sealed record BoardAbi(string DebianArchitecture, string GoArch, int Bits, string Triplet, string Loader, string CrossPackages)
{
    public static BoardAbi Armhf { get; } = new("armhf", "arm", 32, "arm-linux-gnueabihf", "/lib/ld-linux-armhf.so.3", "gcc-arm-linux-gnueabihf libc6-dev-armhf-cross");

    public static BoardAbi Armel { get; } = new("armel", "arm", 32, "arm-linux-gnueabi", "/lib/ld-linux.so.3", "gcc-arm-linux-gnueabi libc6-dev-armel-cross");

    public static BoardAbi Arm64 { get; } = new("arm64", "arm64", 64, "aarch64-linux-gnu", "/lib/ld-linux-aarch64.so.1", "gcc-aarch64-linux-gnu libc6-dev-arm64-cross");

    /// <summary>The userlands a Raspberry Pi runs, whose loaders tell them apart on a device.</summary>
    public static IReadOnlyList<BoardAbi> PiUserlands { get; } = [Arm64, Armhf];

    public static IReadOnlyList<BoardAbi> All { get; } = [Arm64, Armhf, Armel];

    /// <summary>On the board itself the C compiler is the system's own, by the triplet's name.</summary>
    public const string NativePackages = "gcc libc6-dev";

    public string CCompiler => $"{Triplet}-gcc";

    public string CxxCompiler => $"{Triplet}-g++";

    /// <summary>"32-bit (armhf)", for messages.</summary>
    public string Describe => $"{Bits}-bit ({DebianArchitecture})";

    /// <summary>The board's ABI; null for a system pibuild knows no C world of (not Linux on ARM).</summary>
    internal static BoardAbi? Of(TargetProfile target) => (target.GoOs, target.GoArch) switch
    {
        ("linux", "arm64") => Arm64,
        ("linux", "arm") when target.GoArm is { Float: FloatAbi.SoftFloat } => Armel,
        ("linux", "arm") => Armhf,
        _ => null,
    };

    /// <summary>
    /// The userland's word size from the first bytes of <c>/bin/sh</c> (its ELF class), else from the one loader
    /// present; null when neither tells.
    /// </summary>
    internal static int? UserlandBitsFrom(ReadOnlySpan<byte> shellHead, IEnumerable<BoardAbi> loadersPresent)
    {
        // ELF's fifth byte is its class: 1 for 32-bit, 2 for 64-bit.
        if (shellHead.Length >= 5 && shellHead.StartsWith((ReadOnlySpan<byte>)[0x7f, (byte)'E', (byte)'L', (byte)'F']) && shellHead[4] is 1 or 2)
        {
            return shellHead[4] == 2 ? 64 : 32;
        }

        return loadersPresent.Select(a => a.Bits).Distinct().ToArray() is [var bits] ? bits : null;
    }
}

/// <summary>
/// The instruction-set level code is built for — GOARM=6, GOARM=7, GOARM64=v8.2 — and the one rule of what runs where:
/// ARMv6 code runs on every 32-bit Pi, ARMv7 code not on a Pi 0 or 1, 32-bit code on a 64-bit CPU (AArch32), never
/// 64-bit code on a 32-bit userland, and an ARMv8 level only on a CPU of that level or above.
/// </summary>
/// <param name="GoArm64">Null where the profile leaves Go's default (v8.0).</param>
internal readonly record struct ArchLevel(string GoOs, string GoArch, GoArm? GoArm, GoArm64? GoArm64)
{
    public static ArchLevel Of(TargetProfile target) => new(target.GoOs, target.GoArch, target.GoArm, target.GoArm64);

    /// <summary>What a built binary records (its GOARM/GOARM64 build settings, which may be absent or malformed).</summary>
    public static string Label(string? goOs, string? goArch, string? goArm, string? goArm64) =>
        goArm is not null ? $"GOARM={goArm}" : goArm64 is not null ? $"GOARM64={goArm64}" : $"{goOs}/{goArch}";

    /// <summary>"GOARM=6", "GOARM64=v8.2", "linux/amd64": the label every listing shows.</summary>
    public override string ToString() => Label(GoOs, GoArch, GoArm?.ToString(), GoArm64?.ToString());

    /// <summary>
    /// Orders levels of one architecture from the one that runs on most boards: a package or image built from the
    /// lowest level runs on all of them, and older clients pick the first entry they can run.
    /// </summary>
    public int Rank => GoArm is { } arm ? arm.Level : GoArm64 is { } arm64 ? (arm64.Major * 100) + arm64.Minor : 0;

    /// <summary>The cache key part after GOOS-GOARCH: <c>6</c>, <c>6-hardfloat</c>, <c>v8.2</c>.</summary>
    public string CacheKey => (GoArm, GoArm64) switch
    {
        ({ } arm, _) => $"{GoOs}-{GoArch}-{arm.ToString().Replace(',', '-')}",
        (_, { } arm64) => $"{GoOs}-{GoArch}-{arm64.ToString().Replace(',', '-')}",
        _ => $"{GoOs}-{GoArch}",
    };

    /// <summary>
    /// A release archive's <c>{arch}</c>: <c>armv6</c>, <c>armv7</c>, <c>arm64</c>, <c>arm64v8.2</c> (a higher ARMv8
    /// level only where the toolchain records it).
    /// </summary>
    public string ArchiveToken(bool toolchainKnowsGoArm64) => (GoArm, GoArm64) switch
    {
        ({ } arm, _) => $"armv{arm.Level}",
        (_, { } arm64) when toolchainKnowsGoArm64 && arm64.CompareTo(Targets.GoArm64.Default) != 0 => $"{GoArch}{arm64}",
        _ => GoArch,
    };

    /// <summary>
    /// The OCI image platform's variant a container client matches this level by: <c>v6</c>, <c>v7</c> for 32-bit ARM,
    /// <c>v8</c> for every ARMv8 level (OCI names no finer one); null for another architecture.
    /// </summary>
    public string? OciVariant => (GoArch, GoArm) switch
    {
        ("arm", { } arm) => $"v{arm.Level}",
        ("arm64", _) => "v8",
        _ => null,
    };

    /// <summary>Why code of this level cannot run on a board of <paramref name="board"/>'s; null when it can.</summary>
    /// <param name="boardBits">The board's userland word size.</param>
    /// <param name="boardCpu">The board's CPU, for the message.</param>
    public string? WhyNotRunsOn(ArchLevel board, int boardBits, string boardCpu)
    {
        if (GoOs != board.GoOs)
        {
            return $"it is built for {GoOs}, the device runs {board.GoOs}";
        }

        return (GoArch, board.GoArch) switch
        {
            ("arm64", "arm") => $"an arm64 binary cannot start on a {boardBits}-bit userland",
            ("arm", "arm") when GoArm?.Level > board.GoArm?.Level =>
                $"GOARM={GoArm?.Level} code needs ARMv{GoArm?.Level}, the device's CPU is ARMv{board.GoArm?.Level} ({boardCpu})",
            ("arm", "arm64") when GoArm?.Level > 7 => $"GOARM={GoArm?.Level} is not a 32-bit level an ARMv8 CPU runs",
            ("arm64", "arm64") when GoArm64 is { } wanted && board.GoArm64 is { } has && wanted.CompareTo(has) > 0 =>
                $"GOARM64={wanted} code needs a newer CPU than the device's {boardCpu} (GOARM64={has})",
            ("arm" or "arm64", "arm" or "arm64") => null,
            _ when GoArch != board.GoArch => $"it is built for {GoArch}, the device is {board.GoArch}",
            _ => null,
        };
    }

    /// <summary>
    /// Whether a 32-bit ARM board of this level runs C code of <c>Tag_CPU_arch</c> <paramref name="tag"/> (ARM IHI 0045).
    /// The numbering is not an order: ARMv6T2 (Thumb-2, 8) is above ARMv6KZ (7) but beyond the Pi 1's ARM1176, which
    /// does run ARMv6K (9) code. A v7 board's 32-bit CPUs (Cortex-A7, and the ARMv8 cores of the -32 profiles in
    /// AArch32) run everything up to ARMv7 (10), and M-profile code on none.
    /// </summary>
    public bool RunsArmCode(int tag) => GoArm?.Level switch
    {
        null => true,
        <= 5 => tag <= 5,
        6 => tag <= 7 || tag == 9,
        _ => tag <= 10,
    };

    /// <summary>The C compiler's flags for this level: code the board's CPU runs, with the ABI's float convention.</summary>
    /// <returns>Null for a level pibuild knows no C flags for.</returns>
    internal IReadOnlyList<string>? CFlags(BoardAbi abi)
    {
        var floatAbi = abi == BoardAbi.Armel ? "-mfloat-abi=softfp" : "-mfloat-abi=hard";
        return (GoArch, GoArm?.Level) switch
        {
            ("arm64", _) => [],
            // Debian's armhf gcc emits Thumb-2 by default, which an ARM1176 lacks: -marm.
            ("arm", 6) => ["-march=armv6", "-mfpu=vfp", floatAbi, "-marm"],
            ("arm", 7) => ["-march=armv7-a", "-mfpu=neon-vfpv4", floatAbi],
            _ => null,
        };
    }
}
