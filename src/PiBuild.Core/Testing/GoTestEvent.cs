using System.Text.Json.Serialization;

namespace PiBuild.Core.Testing;

/// <summary>One line of <c>go test -json</c> (cmd/test2json's TestEvent).</summary>
internal sealed record GoTestEvent(
    [property: JsonPropertyName("Action")] string? Action,
    [property: JsonPropertyName("Package")] string? Package,
    [property: JsonPropertyName("Test")] string? Test,
    [property: JsonPropertyName("Elapsed")] double? Elapsed,
    [property: JsonPropertyName("Output")] string? Output);
