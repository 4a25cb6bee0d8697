using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace PiBuild.Core.Releases;

public sealed record ReleasedBinary(string Name, long Size, string Sha256, string? GoArm);

public sealed record ReleaseArtifact(
    string File,
    string Target,
    string Board,
    string GoOs,
    string GoArch,
    string? GoArm,
    string ProfileSha256,
    long Size,
    string Sha256,
    IReadOnlyList<ReleasedBinary> Binaries);

/// <summary>The shard a partial manifest came from (1-based), absent in a complete release.</summary>
public sealed record ShardInfo(int Index, int Count);

/// <summary>
/// <c>manifest.json</c>: what a release holds and how it was made. Written field by field in a fixed order with
/// artifacts sorted by file name, so equal releases give equal bytes.
/// </summary>
public sealed record ReleaseManifest(
    string Project,
    string Version,
    string Commit,
    string GoVersion,
    long SourceDateEpoch,
    IReadOnlyList<ReleaseArtifact> Artifacts,
    ShardInfo? Shard = null)
{
    public const string FileName = "manifest.json";

    public static string PartialFileName(ShardInfo shard) => $"manifest.shard-{shard.Index}-of-{shard.Count}.json";

    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("project", Project);
            json.WriteString("version", Version);
            json.WriteString("commit", Commit);
            json.WriteString("go_version", GoVersion);
            json.WriteNumber("source_date_epoch", SourceDateEpoch);
            if (Shard is { } shard)
            {
                json.WriteStartObject("shard");
                json.WriteNumber("index", shard.Index);
                json.WriteNumber("count", shard.Count);
                json.WriteEndObject();
            }

            json.WriteStartArray("artifacts");
            foreach (var a in Artifacts.OrderBy(a => a.File, StringComparer.Ordinal))
            {
                json.WriteStartObject();
                json.WriteString("file", a.File);
                json.WriteString("target", a.Target);
                json.WriteString("board", a.Board);
                json.WriteString("goos", a.GoOs);
                json.WriteString("goarch", a.GoArch);
                json.WriteString("goarm", a.GoArm);
                json.WriteString("profile_sha256", a.ProfileSha256);
                json.WriteNumber("size", a.Size);
                json.WriteString("sha256", a.Sha256);
                json.WriteStartArray("binaries");
                foreach (var b in a.Binaries.OrderBy(b => b.Name, StringComparer.Ordinal))
                {
                    json.WriteStartObject();
                    json.WriteString("name", b.Name);
                    json.WriteNumber("size", b.Size);
                    json.WriteString("sha256", b.Sha256);
                    json.WriteString("goarm", b.GoArm);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    public static ReleaseManifest Read(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var root = document.RootElement;
            static string Text(JsonElement e, string name) => e.GetProperty(name).GetString() ?? "";
            static string? Optional(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var artifacts = root.GetProperty("artifacts").EnumerateArray().Select(a => new ReleaseArtifact(
                Text(a, "file"), Text(a, "target"), Text(a, "board"), Text(a, "goos"), Text(a, "goarch"), Optional(a, "goarm"),
                Text(a, "profile_sha256"), a.GetProperty("size").GetInt64(), Text(a, "sha256"),
                a.GetProperty("binaries").EnumerateArray().Select(b => new ReleasedBinary(Text(b, "name"), b.GetProperty("size").GetInt64(), Text(b, "sha256"), Optional(b, "goarm"))).ToArray()))
                .ToArray();
            var shard = root.TryGetProperty("shard", out var s) ? new ShardInfo(s.GetProperty("index").GetInt32(), s.GetProperty("count").GetInt32()) : null;
            return new ReleaseManifest(Text(root, "project"), Text(root, "version"), Text(root, "commit"), Text(root, "go_version"),
                root.GetProperty("source_date_epoch").GetInt64(), artifacts, shard);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IOException)
        {
            throw new ConfigurationException($"{path} is not a pibuild release manifest ({e.Message})", e);
        }
    }

    /// <summary><c>SHA256SUMS</c>, in the format <c>sha256sum -c</c> reads.</summary>
    public string ChecksumFile() =>
        string.Concat(Artifacts.OrderBy(a => a.File, StringComparer.Ordinal).Select(a => $"{a.Sha256}  {a.File}\n"));
}
