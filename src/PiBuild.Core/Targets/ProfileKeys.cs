using System.Globalization;
using System.Text.Json.Nodes;
using PiBuild.Core.Configuration;
using PiBuild.Core.Digests;

namespace PiBuild.Core.Targets;

/// <summary>
/// Every key a profile may hold, in the order they are read, shown and fingerprinted. Adding a key is one
/// declaration here (and its tests): the YAML schema, validation with file:line:col errors, inheritance,
/// the fingerprint, JSON and <c>targets show</c> follow from it. Code reads a key with <c>profile.Get(key)</c>.
/// </summary>
internal static class ProfileKeys
{
    public const int DefaultThreadStackKb = 1024;
    public const int DefaultTestTimeoutScale = 10;

    // Filled by the declarations below, in declaration order (static fields initialise top to bottom).
    private static readonly List<ProfileKey> Declared = [];

    /// <summary>The GOOS values of Go's own <c>go tool dist list</c>.</summary>
    public static readonly IReadOnlyList<string> KnownGoOs =
    [
        "aix", "android", "darwin", "dragonfly", "freebsd", "illumos", "ios", "js", "linux", "netbsd",
        "openbsd", "plan9", "solaris", "wasip1", "windows",
    ];

    /// <summary>The GOARCH values of Go's own <c>go tool dist list</c>: the architectures of the one table in BoardAbi.cs, and wasm (which has no ELF file to check).</summary>
    public static readonly IReadOnlyList<string> KnownGoArch = [.. GoArchitecture.All.Select(a => a.Name), "wasm"];

    /// <summary>Where a device's bootstrap toolchain can come from.</summary>
    public static readonly IReadOnlyList<string> BootstrapOrigins = ["go-index", "url"];

    public static readonly ProfileKey<string> Board = Text("board");
    public static readonly ProfileKey<string> Soc = Text("soc");
    public static readonly ProfileKey<string> Cpu = Text("cpu");
    public static readonly ProfileKey<int?> Cores = Positive("cores");
    public static readonly ProfileKey<int?> ClockMhz = Positive("clock_mhz");
    public static readonly ProfileKey<string> Isa = Text("isa");
    public static readonly ProfileKey<string> Fpu = Text("fpu");
    public static readonly ProfileKey<int?> MemoryMb = Positive("memory_mb");
    public static readonly ProfileKey<string> GoOs = RequiredOneOf("goos", KnownGoOs);
    public static readonly ProfileKey<string> GoArch = RequiredOneOf("goarch", KnownGoArch);

    public static readonly ProfileKey<GoArm?> GoArm = Declare<GoArm?>("goarm", ValueKind.Text, fingerprinted: true, (values, raw) =>
    {
        var goarch = values.Get(GoArch);
        if (raw is null)
        {
            return goarch == "arm"
                ? throw values.Missing("goarm", "for goarch 'arm' (5, 6 or 7)", suffix: false)
                : null;
        }

        if (goarch != "arm")
        {
            throw new ConfigurationException($"{raw.Location}: 'goarm' applies only to goarch 'arm', not '{goarch}'; remove it");
        }

        return Targets.GoArm.TryParse((string)raw.Value, out var parsed)
            ? parsed
            : throw new ConfigurationException(
                $"{raw.Location}: 'goarm' must be 5, 6 or 7, optionally followed by ',softfloat' or ',hardfloat'; got '{raw.Value}'");
    }, value => value?.ToString(), value => value?.ToString(), level: true);

    public static readonly ProfileKey<GoArm64?> GoArm64 = Declare<GoArm64?>("goarm64", ValueKind.Text, fingerprinted: true, (values, raw) =>
    {
        if (raw is null)
        {
            return null;
        }

        var goarch = values.Get(GoArch);
        if (goarch != "arm64")
        {
            throw new ConfigurationException($"{raw.Location}: 'goarm64' applies only to goarch 'arm64', not '{goarch}'; remove it");
        }

        return Targets.GoArm64.TryParse((string)raw.Value, out var parsed)
            ? parsed
            : throw new ConfigurationException(
                $"{raw.Location}: 'goarm64' must be v8.0 to v8.9 or v9.0 to v9.5, optionally followed by ',lse' and ',crypto'; got '{raw.Value}'");
    }, value => value?.ToString(), value => value?.ToString(), level: true);

    public static readonly ProfileKey<bool> Cgo = Declare("cgo", ValueKind.Boolean, fingerprinted: true,
        (_, raw) => raw is not null && (bool)raw.Value, value => value ? "true" : "false", value => value);

    /// <summary>The C compiler's architecture options for cgo, in place of pibuild's for the board's level (say -mcpu=cortex-a72).</summary>
    public static readonly ProfileKey<IReadOnlyList<string>> CFlags = Declare<IReadOnlyList<string>>("cflags", ValueKind.TextList, fingerprinted: true, (_, raw) =>
    {
        var flags = raw is null ? [] : (string[])raw.Value;
        foreach (var (flag, at) in flags.Zip(raw?.ItemLocations ?? []))
        {
            if (!flag.StartsWith('-') || flag.Any(char.IsWhiteSpace))
            {
                throw new ConfigurationException($"{at}: 'cflags' holds one C compiler option per item, starting with '-', not '{flag}'");
            }
        }

        return flags;
    }, value => value.Count > 0 ? string.Join(' ', value) : null, value => new JsonArray(value.Select(f => (JsonNode?)f).ToArray()));

    /// <summary>The <c>-cpu</c> model for qemu-user; null when the board is not emulated.</summary>
    public static readonly ProfileKey<string?> QemuCpu = OptionalText("qemu_cpu", fingerprinted: true);

    public static readonly ProfileKey<int> ThreadStackKb = Positive("thread_stack_kb", DefaultThreadStackKb);
    public static readonly ProfileKey<int> TestTimeoutScale = Positive("test_timeout_scale", DefaultTestTimeoutScale);

    /// <summary>Prefixes of <c>/proc/device-tree/model</c> that name this board.</summary>
    public static readonly ProfileKey<IReadOnlyList<string>> DetectModels = Declare<IReadOnlyList<string>>("detect.models", ValueKind.TextList, fingerprinted: false,
        (_, raw) => raw is null ? [] : (string[])raw.Value,
        value => value.Count > 0 ? string.Join("; ", value) : null,
        value => new JsonArray(value.Select(m => (JsonNode?)m).ToArray()));

    /// <summary><c>/proc/cpuinfo</c>'s "CPU part" of the board's cores, when the model is not readable.</summary>
    public static readonly ProfileKey<string?> DetectCpuPart = OptionalText("detect.cpu_part");

    /// <summary>go-index (Go's download index) or url; absent when the profile says nothing of bootstrapping.</summary>
    public static readonly ProfileKey<string?> BootstrapFrom = Declare<string?>("bootstrap.from", ValueKind.Text, fingerprinted: false, (values, raw) =>
    {
        if (raw is null)
        {
            return values.Raw("bootstrap.url") is not null ? "url" : values.HasAnyIn("bootstrap") ? "go-index" : null;
        }

        var from = OneOf(raw, "bootstrap.from", BootstrapOrigins);
        if (from == "url" && (values.Raw("bootstrap.url") is null || values.Raw("bootstrap.sha256") is null))
        {
            throw new ConfigurationException($"{raw.Location}: a bootstrap 'from: url' needs both 'url' and 'sha256' (a download without a checksum is refused)");
        }

        return from;
    }, value => value, value => value);

    /// <summary>Which official tarball: armv6l runs on every 32-bit Pi.</summary>
    public static readonly ProfileKey<string?> BootstrapArchiveArch = OptionalText("bootstrap.archive_arch");

    public static readonly ProfileKey<string?> BootstrapUrl = Declare<string?>("bootstrap.url", ValueKind.Text, fingerprinted: false, (values, raw) =>
    {
        if (raw is not null && values.Raw("bootstrap.sha256") is null)
        {
            throw new ConfigurationException($"{raw.Location}: a bootstrap 'from: url' needs both 'url' and 'sha256' (a download without a checksum is refused)");
        }

        return (string?)raw?.Value;
    }, value => value, value => value);

    public static readonly ProfileKey<string?> BootstrapSha256 = Declare<string?>("bootstrap.sha256", ValueKind.Text, fingerprinted: false,
        (_, raw) => raw is null ? null
            : Sha256Hex.IsValid((string)raw.Value) ? ((string)raw.Value).ToLowerInvariant()
            : throw new ConfigurationException($"{raw.Location}: 'bootstrap.sha256' must be 64 hexadecimal digits"),
        value => value, value => value);

    /// <summary>Every key, in the order they are read, shown and fingerprinted.</summary>
    public static IReadOnlyList<ProfileKey> All => Declared;

    /// <summary>What a profile file may contain: the keys above plus <c>name</c> and <c>extends</c>.</summary>
    internal static YamlSchema Schema { get; } = BuildSchema();

    /// <param name="level">The key is an architecture level (goarm, goarm64): a profile that changes goarch does not inherit it.</param>
    private static ProfileKey<T> Declare<T>(string name, ValueKind kind, bool fingerprinted, Func<ProfileValues, YamlValue?, T> read, Func<T, string?> display, Func<T, JsonNode?> json, bool level = false)
    {
        var key = new ProfileKey<T>(name, kind, fingerprinted, read, display, json) { IsArchitectureLevel = level };
        Declared.Add(key);
        return key;
    }

    private static ProfileKey<string> Text(string name) =>
        Declare(name, ValueKind.Text, fingerprinted: true, (_, raw) => (string?)raw?.Value ?? "", value => value, value => value);

    private static ProfileKey<string?> OptionalText(string name, bool fingerprinted = false) =>
        Declare(name, ValueKind.Text, fingerprinted, (_, raw) => (string?)raw?.Value, value => value, value => value);

    private static ProfileKey<int?> Positive(string name) =>
        Declare<int?>(name, ValueKind.Number, fingerprinted: true, (_, raw) => raw is null ? null : PositiveValue(raw, name),
            value => value?.ToString(CultureInfo.InvariantCulture), value => value);

    private static ProfileKey<int> Positive(string name, int defaultValue) =>
        Declare(name, ValueKind.Number, fingerprinted: true, (_, raw) => raw is null ? defaultValue : PositiveValue(raw, name),
            value => value.ToString(CultureInfo.InvariantCulture), value => value);

    private static ProfileKey<string> RequiredOneOf(string name, IReadOnlyList<string> allowed) =>
        Declare(name, ValueKind.Text, fingerprinted: true, (values, raw) => raw is null ? throw values.Missing(name) : OneOf(raw, name, allowed),
            value => value, value => value);

    private static int PositiveValue(YamlValue raw, string name)
    {
        var number = (int)raw.Value;
        return number > 0 ? number : throw new ConfigurationException($"{raw.Location}: '{name}' must be greater than zero, got {number}");
    }

    private static string OneOf(YamlValue value, string name, IReadOnlyList<string> allowed)
    {
        var text = (string)value.Value;
        return allowed.Contains(text)
            ? text
            : throw new ConfigurationException($"{value.Location}: unknown {name} '{text}'{NameSuggestion.Hint(text, allowed)} (one of: {string.Join(", ", allowed)})");
    }

    private static YamlSchema BuildSchema()
    {
        var top = new Dictionary<string, ValueKind> { ["name"] = ValueKind.Text, ["extends"] = ValueKind.Text };
        var sections = new Dictionary<string, IReadOnlyDictionary<string, ValueKind>>();
        foreach (var key in Declared)
        {
            if (key.Section is { } section)
            {
                top[section] = ValueKind.Section;
                if (!sections.TryGetValue(section, out var keys))
                {
                    sections[section] = keys = new Dictionary<string, ValueKind>();
                }

                ((Dictionary<string, ValueKind>)keys)[key.LocalName] = key.Kind;
            }
            else
            {
                top[key.Name] = key.Kind;
            }
        }

        return new YamlSchema(top, sections);
    }
}
