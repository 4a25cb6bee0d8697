using System.Text.Json;

namespace PiBuild.Core.Fetching;

/// <summary>
/// What is known about a <c>.partial</c> file: where it came from and the validators that tell whether the
/// server still has the same file (ETag, Last-Modified, total length). Without them a resume could splice two
/// different files together, so a partial without metadata is discarded.
/// </summary>
internal sealed record PartialDownload(string Url, string? ETag, string? LastModified, long? Length)
{
    public static string MetadataPath(string partialPath) => partialPath + ".json";

    public static PartialDownload? Read(string partialPath)
    {
        var path = MetadataPath(partialPath);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(path));
            var root = json.RootElement;
            string? Text(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            long? Number(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;
            return Text("url") is { } url ? new PartialDownload(url, Text("etag"), Text("last_modified"), Number("length")) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Write(string partialPath)
    {
        var path = MetadataPath(partialPath);
        using (var stream = File.Create(path + ".tmp"))
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("url", Url);
            json.WriteString("etag", ETag);
            json.WriteString("last_modified", LastModified);
            if (Length is { } length)
            {
                json.WriteNumber("length", length);
            }

            json.WriteEndObject();
        }

        File.Move(path + ".tmp", path, overwrite: true);
    }

    public static void Discard(string partialPath)
    {
        File.Delete(partialPath);
        File.Delete(MetadataPath(partialPath));
    }
}
