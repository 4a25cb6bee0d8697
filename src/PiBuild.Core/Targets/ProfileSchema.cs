using PiBuild.Core.Configuration;

namespace PiBuild.Core.Targets;

/// <summary>The keys a profile may contain and what kind of value each takes.</summary>
internal static class ProfileSchema
{
    public const int DefaultThreadStackKb = 1024;
    public const int DefaultTestTimeoutScale = 10;

    public static readonly IReadOnlyDictionary<string, ValueKind> TopLevel = new Dictionary<string, ValueKind>
    {
        ["name"] = ValueKind.Text,
        ["extends"] = ValueKind.Text,
        ["board"] = ValueKind.Text,
        ["soc"] = ValueKind.Text,
        ["cpu"] = ValueKind.Text,
        ["cores"] = ValueKind.Number,
        ["clock_mhz"] = ValueKind.Number,
        ["isa"] = ValueKind.Text,
        ["fpu"] = ValueKind.Text,
        ["memory_mb"] = ValueKind.Number,
        ["goos"] = ValueKind.Text,
        ["goarch"] = ValueKind.Text,
        ["goarm"] = ValueKind.Text,
        ["cgo"] = ValueKind.Boolean,
        ["qemu_cpu"] = ValueKind.Text,
        ["thread_stack_kb"] = ValueKind.Number,
        ["test_timeout_scale"] = ValueKind.Number,
        ["detect"] = ValueKind.Section,
        ["bootstrap"] = ValueKind.Section,
    };

    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, ValueKind>> Sections =
        new Dictionary<string, IReadOnlyDictionary<string, ValueKind>>
        {
            ["detect"] = new Dictionary<string, ValueKind>
            {
                ["models"] = ValueKind.TextList,
                ["cpu_part"] = ValueKind.Text,
            },
            ["bootstrap"] = new Dictionary<string, ValueKind>
            {
                ["from"] = ValueKind.Text,
                ["archive_arch"] = ValueKind.Text,
                ["url"] = ValueKind.Text,
                ["sha256"] = ValueKind.Text,
            },
        };

    public static readonly YamlSchema Schema = new(TopLevel, Sections);

    /// <summary>Where a device's bootstrap toolchain can come from.</summary>
    public static readonly IReadOnlyList<string> BootstrapFrom = ["go-index", "url"];

    /// <summary>The GOOS values of Go's own <c>go tool dist list</c>.</summary>
    public static readonly IReadOnlyList<string> KnownGoOs =
    [
        "aix", "android", "darwin", "dragonfly", "freebsd", "illumos", "ios", "js", "linux", "netbsd",
        "openbsd", "plan9", "solaris", "wasip1", "windows",
    ];

    /// <summary>The GOARCH values of Go's own <c>go tool dist list</c>.</summary>
    public static readonly IReadOnlyList<string> KnownGoArch =
    [
        "386", "amd64", "arm", "arm64", "loong64", "mips", "mipsle", "mips64", "mips64le", "ppc64", "ppc64le",
        "riscv64", "s390x", "wasm",
    ];
}
