namespace PiBuild.Core.Targets;

/// <summary>Where a profile was defined: the layer ("built-in", "project", "user") and the file.</summary>
public sealed record ProfileOrigin(string Layer, string File);

/// <summary>How a device gets a Go toolchain to bootstrap from.</summary>
public sealed record BootstrapSource(string From, string? ArchiveArch, string? Url, string? Sha256);

/// <summary>How <c>pibuild build</c> recognises the board it runs on.</summary>
public sealed record BoardDetection(IReadOnlyList<string> Models, string? CpuPart);

/// <summary>One board, fully resolved (inheritance applied, every value validated).</summary>
public sealed record TargetProfile
{
    public required string Name { get; init; }
    public string Board { get; init; } = "";
    public string Soc { get; init; } = "";
    public string Cpu { get; init; } = "";
    public int? Cores { get; init; }
    public int? ClockMhz { get; init; }
    public string Isa { get; init; } = "";
    public string Fpu { get; init; } = "";
    public int? MemoryMb { get; init; }
    public required string GoOs { get; init; }
    public required string GoArch { get; init; }

    /// <summary>Set exactly when <see cref="GoArch"/> is <c>arm</c>.</summary>
    public GoArm? GoArm { get; init; }

    public bool Cgo { get; init; }

    /// <summary>The <c>-cpu</c> model for qemu-user; null when the board is not emulated.</summary>
    public string? QemuCpu { get; init; }

    public int ThreadStackKb { get; init; } = ProfileSchema.DefaultThreadStackKb;
    public int TestTimeoutScale { get; init; } = ProfileSchema.DefaultTestTimeoutScale;
    public BoardDetection Detect { get; init; } = new([], null);
    public BootstrapSource? Bootstrap { get; init; }
    public required ProfileOrigin Origin { get; init; }

    /// <summary>The profiles this one inherits from, nearest first (empty when it extends nothing).</summary>
    public IReadOnlyList<string> Extends { get; init; } = [];

    /// <summary>
    /// SHA-256 of everything in the profile that describes the board and its build, but not where the file was:
    /// the same profile gives the same hash on every machine (release manifests record it).
    /// </summary>
    public string Fingerprint()
    {
        var text = string.Join('\n',
            $"name={Name}", $"board={Board}", $"soc={Soc}", $"cpu={Cpu}", $"cores={Cores}", $"clock_mhz={ClockMhz}", $"isa={Isa}", $"fpu={Fpu}",
            $"memory_mb={MemoryMb}", $"goos={GoOs}", $"goarch={GoArch}", $"goarm={GoArm}", $"cgo={Cgo}", $"qemu_cpu={QemuCpu}",
            $"thread_stack_kb={ThreadStackKb}", $"test_timeout_scale={TestTimeoutScale}");
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>The GOOS-GOARCH[-GOARM] triple, e.g. <c>linux-arm-6</c>, used for cache keys.</summary>
    public string Platform => GoArm is { } arm ? $"{GoOs}-{GoArch}-{arm.ToString().Replace(',', '-')}" : $"{GoOs}-{GoArch}";
}
