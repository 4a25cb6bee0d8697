using System.Text.Json;

namespace PiBuild.Core.Fetching;

/// <summary>One file of a Go release as Go's download index lists it.</summary>
public sealed record GoDownloadFile(string Version, string FileName, string Os, string Arch, string Kind, string Sha256, long Size, bool Stable);

/// <summary>
/// Go's download index (<c>https://go.dev/dl/?mode=json&amp;include=all</c>): every release with its files'
/// names, kinds, sizes and SHA-256 digests. pibuild uses it to know the checksum of an official tarball.
/// </summary>
public sealed class GoDownloadIndex(IReadOnlyList<GoDownloadFile> files)
{
    public const string DefaultUrl = "https://go.dev/dl/?mode=json&include=all";

    public IReadOnlyList<GoDownloadFile> Files => files;

    public static GoDownloadIndex Parse(string json, string origin)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var list = new List<GoDownloadFile>();
            foreach (var release in document.RootElement.EnumerateArray())
            {
                var version = release.GetProperty("version").GetString() ?? "";
                var stable = release.TryGetProperty("stable", out var s) && s.ValueKind == JsonValueKind.True;
                foreach (var file in release.GetProperty("files").EnumerateArray())
                {
                    string Text(string name) => file.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
                    list.Add(new GoDownloadFile(version, Text("filename"), Text("os"), Text("arch"), Text("kind"), Text("sha256").ToLowerInvariant(),
                        file.TryGetProperty("size", out var size) && size.ValueKind == JsonValueKind.Number ? size.GetInt64() : -1, stable));
                }
            }

            return new GoDownloadIndex(list);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw new WorkFailedException($"{origin} is not Go's download index ({e.Message}); check --index", e);
        }
    }

    public GoDownloadFile? Find(string fileName) => files.FirstOrDefault(f => f.FileName == fileName);

    /// <summary>The newest stable release the index lists, by version order.</summary>
    public string? LatestStable() =>
        files.Where(f => f.Stable && Go.GoVersion.TryParse(f.Version, out _))
            .Select(f => Go.GoVersion.Parse(f.Version))
            .Max()?.Text;

    /// <summary>Where the index's files are downloaded from: <c>https://go.dev/dl/?mode=json</c> lists files under <c>https://go.dev/dl/</c>.</summary>
    public static string FileUrl(string indexUrl, string fileName)
    {
        var withoutQuery = indexUrl.Split('?')[0];
        return (withoutQuery.EndsWith('/') ? withoutQuery : withoutQuery[..(withoutQuery.LastIndexOf('/') + 1)]) + fileName;
    }
}
