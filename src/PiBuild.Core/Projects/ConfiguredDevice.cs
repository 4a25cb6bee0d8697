using PiBuild.Core.Configuration;

namespace PiBuild.Core.Projects;

/// <summary>A device named in pibuild.yaml's <c>devices:</c>: its address and what it overrides for itself.</summary>
internal sealed record ConfiguredDevice(string Name, string Host, string? Target, string? To, string? Restart, SourceLocation At)
{
    /// <summary>The group every device is in (<c>--on @all</c>); no group of pibuild.yaml's may take the name.</summary>
    public const string AllGroup = "all";

    /// <summary>The keys of one <c>devices:</c> entry; the first is what a plain string stands for.</summary>
    public static IReadOnlyDictionary<string, ValueKind> Keys { get; } = new Dictionary<string, ValueKind>(StringComparer.Ordinal)
    {
        ["host"] = ValueKind.Text,
        ["target"] = ValueKind.Text,
        ["to"] = ValueKind.Text,
        ["restart"] = ValueKind.Text,
    };
}
