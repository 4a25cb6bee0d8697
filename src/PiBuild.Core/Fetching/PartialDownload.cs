using System.Text.Json;
using System.Text.Json.Serialization;

namespace PiBuild.Core.Fetching;

/// <summary>
/// What is known about a <c>.partial</c> file: where it came from and the validators that tell whether the
/// server still has the same file (ETag, Last-Modified, total length). Without them a resume could splice two
/// different files together, so a partial without metadata is discarded.
/// </summary>
internal sealed record PartialDownload(
    string Url,
    [property: JsonPropertyName("etag")] string? ETag,
    string? LastModified,
    long? Length)
{
    public static string MetadataPath(string partialPath) => partialPath + ".json";

    public static PartialDownload? Read(string partialPath)
    {
        var path = MetadataPath(partialPath);
        try
        {
            var known = File.Exists(path) ? JsonText.Deserialize(File.ReadAllText(path), PiBuildJson.Default.PartialDownload) : null;
            return known is { Url.Length: > 0 } ? known : null;
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            return null;
        }
    }

    public void Write(string partialPath)
    {
        var path = MetadataPath(partialPath);
        try
        {
            File.WriteAllText(path + ".tmp", JsonText.Serialize(this, PiBuildJson.Default.PartialDownload));
            File.Move(path + ".tmp", path, overwrite: true);
        }
        catch (IOException)
        {
            // A half-written temporary file is only clutter on a disk that may be full.
            File.Delete(path + ".tmp");
            throw;
        }
    }

    public static void Discard(string partialPath)
    {
        File.Delete(partialPath);
        File.Delete(MetadataPath(partialPath));
    }
}
