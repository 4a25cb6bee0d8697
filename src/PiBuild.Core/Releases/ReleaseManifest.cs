using System.Text.Json;
using System.Text.Json.Serialization;

namespace PiBuild.Core.Releases;

public sealed record ReleasedBinary(
    string Name,
    long Size,
    string Sha256,
    [property: JsonPropertyName("goarm")] string? GoArm,
    [property: JsonPropertyName("goarm64")] string? GoArm64);

/// <summary>A board an artifact is for, and the hash of its profile (what describes the board and its build).</summary>
public sealed record ReleasedTarget(string Name, string Board, string ProfileSha256);

/// <summary>
/// One archive or Debian package. Boards whose builds are the same (pi3 and pi4: arm64 at ARMv8.0) share it;
/// <see cref="Targets"/> lists every board it is for, each verified. A .deb has its Debian architecture: an armhf
/// package holds the lowest 32-bit level selected (its <c>goarm</c>), for every 32-bit board listed. <see cref="Cgo"/>
/// is what the binaries record (CGO_ENABLED=1); a cgo build names its C compiler and the digest of the sysroot it
/// linked against (none: the cross toolchain's own root).
/// </summary>
public sealed record ReleaseArtifact(
    string File,
    IReadOnlyList<ReleasedTarget> Targets,
    [property: JsonPropertyName("goos")] string GoOs,
    [property: JsonPropertyName("goarch")] string GoArch,
    [property: JsonPropertyName("goarm")] string? GoArm,
    [property: JsonPropertyName("goarm64")] string? GoArm64,
    long Size,
    string Sha256,
    IReadOnlyList<ReleasedBinary> Binaries,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DebArchitecture = null,
    bool Cgo = false,
    [property: JsonPropertyName("c_compiler"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CCompiler = null,
    [property: JsonPropertyName("sysroot_sha256"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SysrootSha256 = null)
{
    /// <summary>"GOARM=6", "GOARM64=v8.2": what the binaries record they were built for.</summary>
    [JsonIgnore]
    public string BuiltFor => PiBuild.Core.Targets.ArchLevel.Label(GoOs, GoArch, GoArm, GoArm64);
}

/// <summary>The shard a partial manifest came from (1-based), absent in a complete release.</summary>
public sealed record ShardInfo(int Index, int Count)
{
    /// <summary>"I/N" as <c>--shard</c> takes it.</summary>
    public static ShardInfo Parse(string text)
    {
        var parts = text.Split('/');
        return parts.Length == 2
               && int.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index)
               && int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count)
               && count >= 1 && index >= 1 && index <= count
            ? new ShardInfo(index, count)
            : throw new ConfigurationException($"--shard {text}: expected I/N with 1 ≤ I ≤ N, e.g. --shard 1/2");
    }
}

/// <summary>
/// <c>manifest.json</c>: what a release holds and how it was made. Artifacts and binaries are kept sorted by
/// name, and the fields have a fixed order, so equal releases give equal bytes.
/// </summary>
public sealed record ReleaseManifest
{
    public const string FileName = "manifest.json";

    public ReleaseManifest(string project, string version, string commit, string goVersion, long sourceDateEpoch, ShardInfo? shard, IReadOnlyList<ReleaseArtifact> artifacts)
    {
        Project = project;
        Version = version;
        Commit = commit;
        GoVersion = goVersion;
        SourceDateEpoch = sourceDateEpoch;
        Shard = shard;
        Artifacts = artifacts
            .Select(a => a with { Binaries = a.Binaries.OrderBy(b => b.Name, StringComparer.Ordinal).ToArray() })
            .OrderBy(a => a.File, StringComparer.Ordinal)
            .ToArray();
    }

    public string Project { get; init; }

    public string Version { get; init; }

    public string Commit { get; init; }

    public string GoVersion { get; init; }

    public long SourceDateEpoch { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ShardInfo? Shard { get; init; }

    public IReadOnlyList<ReleaseArtifact> Artifacts { get; init; }

    public static string PartialFileName(ShardInfo shard) => $"manifest.shard-{shard.Index}-of-{shard.Count}.json";

    public string ToJson() => JsonText.Serialize(this, PiBuildJson.Default.ReleaseManifest);

    public static ReleaseManifest Read(string path)
    {
        try
        {
            var manifest = JsonText.Deserialize(File.ReadAllText(path), PiBuildJson.Default.ReleaseManifest);
            return manifest.Artifacts is null || manifest.Project is null ? throw new JsonException("'project' or 'artifacts' is missing") : manifest;
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            throw new ConfigurationException($"{path} is not a pibuild release manifest ({e.Message})", e);
        }
    }

    /// <summary><c>SHA256SUMS</c>, in the format <c>sha256sum -c</c> reads.</summary>
    public string ChecksumFile() => string.Concat(Artifacts.Select(a => $"{a.Sha256}  {a.File}\n"));
}
