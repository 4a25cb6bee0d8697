using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace PiBuild.Core.Targets;

/// <summary>Where a profile was defined: the layer ("built-in", "project", "user") and the file.</summary>
internal sealed record ProfileOrigin(string Layer, string File)
{
    public bool IsBuiltIn => Layer == ProfileLayer.BuiltIn;
}

/// <summary>How a device gets a Go toolchain to bootstrap from.</summary>
internal sealed record BootstrapSource(string From, string? ArchiveArch, string? Url, string? Sha256);

/// <summary>How pibuild recognises the board it runs on.</summary>
internal sealed record BoardDetection(IReadOnlyList<string> Models, string? CpuPart);

/// <summary>
/// One board, fully resolved: inheritance applied, every key of <see cref="ProfileKeys"/> read and validated.
/// The properties are the keys the rest of pibuild reads most; any key is <see cref="Get{T}"/>. Its public face is
/// what <c>pibuild targets</c> shows (read-only values, <see cref="Shown"/>, <see cref="ToJson"/>); everything
/// that decides a build is internal.
/// </summary>
public sealed class TargetProfile
{
    private readonly IReadOnlyDictionary<ProfileKey, object?> _values;
    private readonly IReadOnlySet<string> _sectionsPresent;

    internal TargetProfile(string name, ProfileOrigin origin, IReadOnlyList<string> extends, IReadOnlyDictionary<ProfileKey, object?> values, IReadOnlySet<string> sectionsPresent)
    {
        Name = name;
        Origin = origin;
        Extends = extends;
        _values = values;
        _sectionsPresent = sectionsPresent;
    }

    public string Name { get; }

    internal ProfileOrigin Origin { get; }

    /// <summary>Where the profile was defined: "built-in", "project" or "user".</summary>
    public string Layer => Origin.Layer;

    /// <summary>The file that defined it.</summary>
    public string File => Origin.File;

    public bool IsBuiltIn => Origin.IsBuiltIn;

    /// <summary>The profiles this one inherits from, nearest first (empty when it extends nothing).</summary>
    public IReadOnlyList<string> Extends { get; }

    public string Board => Get(ProfileKeys.Board);

    internal string Soc => Get(ProfileKeys.Soc);

    public string Cpu => Get(ProfileKeys.Cpu);

    public int? Cores => Get(ProfileKeys.Cores);

    public int? ClockMhz => Get(ProfileKeys.ClockMhz);

    public string GoOs => Get(ProfileKeys.GoOs);

    public string GoArch => Get(ProfileKeys.GoArch);

    /// <summary>Set exactly when <see cref="GoArch"/> is <c>arm</c>.</summary>
    internal GoArm? GoArm => Get(ProfileKeys.GoArm);

    /// <summary>Only for goarch arm64; null means Go's default (v8.0).</summary>
    internal GoArm64? GoArm64 => Get(ProfileKeys.GoArm64);

    /// <summary>The level setting as the profile writes it ("6", "7,softfloat", "v8.2"); null when it leaves Go's default.</summary>
    public string? LevelSetting => GoArm?.ToString() ?? GoArm64?.ToString();

    internal bool Cgo => Get(ProfileKeys.Cgo);

    /// <summary>The word size of the board's userland: what a 32-bit Raspberry Pi OS on a 64-bit Pi runs is 32.</summary>
    public int UserlandBits => GoArchitecture.Find(GoArch)?.Bits ?? 32;

    /// <summary>The instruction-set level its code is built for, and what runs it.</summary>
    internal ArchLevel Level => ArchLevel.Of(this);

    /// <summary>"GOARM=6", "GOARM64=v8.2", "linux/arm64": the label every listing shows.</summary>
    public string LevelLabel => Level.ToString();

    public string? QemuCpu => Get(ProfileKeys.QemuCpu);

    public int ThreadStackKb => Get(ProfileKeys.ThreadStackKb);

    public int TestTimeoutScale => Get(ProfileKeys.TestTimeoutScale);

    internal BoardDetection Detect => new(Get(ProfileKeys.DetectModels), Get(ProfileKeys.DetectCpuPart));

    internal BootstrapSource? Bootstrap => Get(ProfileKeys.BootstrapFrom) is { } from
        ? new BootstrapSource(from, Get(ProfileKeys.BootstrapArchiveArch), Get(ProfileKeys.BootstrapUrl), Get(ProfileKeys.BootstrapSha256))
        : null;

    /// <summary>GOOS-GOARCH and the architecture level (<c>linux-arm-6</c>, <c>linux-arm64-v8.2</c>), for cache keys.</summary>
    internal string Platform => Level.CacheKey;

    internal T Get<T>(ProfileKey<T> key) => (T)_values[key]!;

    /// <summary>Every key as <c>targets show</c> prints it, in the order the keys are declared (null: nothing to show).</summary>
    public IReadOnlyList<(string Key, string? Value)> Shown() => ProfileKeys.All.Select(k => (k.Name, k.Display(this))).ToArray();

    /// <summary>The same board with cgo on when <paramref name="on"/> (--cgo); itself otherwise, or when its profile says cgo: true.</summary>
    internal TargetProfile WithCgo(bool on) => !on || Cgo
        ? this
        : new TargetProfile(Name, Origin, Extends, new Dictionary<ProfileKey, object?>(_values) { [ProfileKeys.Cgo] = true }, _sectionsPresent);

    /// <summary>
    /// SHA-256 of the keys that describe the board and its build, not of where the file was: the same profile
    /// gives the same hash on every machine (release manifests record it).
    /// </summary>
    internal string Fingerprint()
    {
        var text = string.Join('\n', ProfileKeys.All.Where(k => k.Fingerprinted).Select(k => k.FingerprintText(_values[k])).Prepend($"name={Name}"));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>
    /// The profile as JSON: name, every key (a section as an object, null when the profile has none of its keys),
    /// where it came from and what it extends.
    /// </summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject { ["name"] = Name };
        foreach (var key in ProfileKeys.All)
        {
            if (key.Section is not { } section)
            {
                json[key.Name] = key.ToJson(_values[key]);
            }
            else if (!json.ContainsKey(section))
            {
                json[section] = _sectionsPresent.Contains(section) ? new JsonObject() : null;
            }

            if (key.Section is { } present && json[present] is JsonObject sectionObject)
            {
                sectionObject[key.LocalName] = key.ToJson(_values[key]);
            }
        }

        json["origin"] = new JsonObject { ["layer"] = Origin.Layer, ["file"] = Origin.File };
        json["extends"] = new JsonArray(Extends.Select(e => (JsonNode?)e).ToArray());
        return json;
    }
}
