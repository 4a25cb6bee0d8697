using System.Text.RegularExpressions;
using PiBuild.Core.Addresses;
using PiBuild.Core.Configuration;

namespace PiBuild.Core.Projects;

/// <summary>
/// The <c>image:</c> section of <c>pibuild.yaml</c>: which command the image runs, its base, ports, labels,
/// environment and whether it carries the time zone database. All optional.
/// </summary>
/// <param name="Base"><see cref="Scratch"/>, <c>docker://REF</c> or <c>oci:DIR:TAG</c>.</param>
internal sealed partial record ImageConfig(string? Command, string Base, IReadOnlyList<string> Ports, IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> Env, bool TzData)
{
    public const string Scratch = "scratch";

    public static ImageConfig Default { get; } = new(null, Scratch, [], new Dictionary<string, string>(), new Dictionary<string, string>(), false);

    /// <summary>The section's keys, for the file's schema.</summary>
    public static IReadOnlyDictionary<string, ValueKind> Keys { get; } = new Dictionary<string, ValueKind>(StringComparer.Ordinal)
    {
        ["command"] = ValueKind.Text,
        ["base"] = ValueKind.Text,
        ["ports"] = ValueKind.TextList,
        ["labels"] = ValueKind.TextMap,
        ["env"] = ValueKind.TextMap,
        ["tzdata"] = ValueKind.Boolean,
    };

    public static ImageConfig Parse(IReadOnlyDictionary<string, YamlValue> values)
    {
        YamlValue? Value(string key) => values.GetValueOrDefault("image." + key);
        IReadOnlyDictionary<string, string> Map(string key) =>
            Value(key) is { } v ? ((KeyValuePair<string, string>[])v.Value).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal) : new Dictionary<string, string>();

        var baseImage = Scratch;
        if (Value("base") is { } b && (string)b.Value != Scratch)
        {
            // A registry's image (REF or docker://REF) or a layout's (oci:DIR:TAG); a reference is checked here, where it stands.
            baseImage = (string)b.Value;
            var reference = baseImage.StartsWith(ImageReference.DockerPrefix, StringComparison.Ordinal) ? baseImage[ImageReference.DockerPrefix.Length..] : baseImage;
            if (!baseImage.StartsWith(ImageReference.LayoutPrefix, StringComparison.Ordinal))
            {
                try
                {
                    ImageReference.Parse(reference, "image.base");
                }
                catch (ConfigurationException e)
                {
                    throw new ConfigurationException($"{b.Location}: {e.Message}", e);
                }

                baseImage = ImageReference.DockerPrefix + reference;
            }
        }

        var ports = Value("ports") is { } p ? ((string[])p.Value).Zip(p.ItemLocations ?? []).ToArray() : [];
        foreach (var (port, at) in ports)
        {
            if (!Port().IsMatch(port))
            {
                throw new ConfigurationException($"{at}: 'image.ports' are PORT or PORT/tcp or PORT/udp, not '{port}'");
            }
        }

        if (Value("command") is { } command && ((string)command.Value).Contains('/', StringComparison.Ordinal))
        {
            throw new ConfigurationException($"{command.Location}: 'image.command' is the name of one of the project's commands (sensord), not a path");
        }

        return new ImageConfig(
            Value("command")?.Value as string,
            baseImage,
            [.. ports.Select(x => x.Item1.Contains('/', StringComparison.Ordinal) ? x.Item1 : x.Item1 + "/tcp")],
            Map("labels"),
            Map("env"),
            Value("tzdata")?.Value is true);
    }

    [GeneratedRegex(@"^[0-9]{1,5}(/(tcp|udp))?$")]
    private static partial Regex Port();
}
