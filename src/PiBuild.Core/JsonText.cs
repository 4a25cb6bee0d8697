using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace PiBuild.Core;

/// <summary>
/// The one JSON writer configuration: indented, and readable ("Model B+", "°C") rather than HTML-safe, since every
/// document pibuild writes is a file or its own stdout. Serialization goes through source-generated type
/// information, so it works the same under Native AOT.
/// </summary>
public static class JsonText
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The document, with a final newline.</summary>
    public static string Serialize<T>(T value, JsonTypeInfo<T> typeInfo) =>
        Write(json => JsonSerializer.Serialize(json, value, typeInfo));

    public static string Serialize(JsonNode node) => Write(json => node.WriteTo(json));

    /// <summary>Reads a document; malformed JSON, a wrong shape or a missing required value are <see cref="JsonException"/>.</summary>
    public static T Deserialize<T>(string json, JsonTypeInfo<T> typeInfo) =>
        JsonSerializer.Deserialize(json, typeInfo) ?? throw new JsonException("the document is null");

    private static string Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(json);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length) + "\n";
    }
}
