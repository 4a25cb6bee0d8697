using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PiBuild.Core.Configuration;

internal enum ValueKind
{
    Text,
    Number,
    Boolean,
    TextList,
    Section,

    /// <summary>A mapping of names to strings (names chosen by the file, not the schema): read as <c>KeyValuePair&lt;string, string&gt;[]</c>.</summary>
    TextMap,

    /// <summary>A mapping of names to lists of strings: read as <c>KeyValuePair&lt;string, string[]&gt;[]</c>.</summary>
    ListMap,

    /// <summary>
    /// A mapping of names (chosen by the file) to sections of the schema's keys for it, or to a string standing for the
    /// section's first key: the names as a list at the key, each section's values at <c>KEY.NAME.SUBKEY</c>.
    /// </summary>
    SectionMap,
}

/// <summary>A value read from a configuration file, with where it stands (and where each item of a list stands) for error messages.</summary>
internal sealed record YamlValue(object Value, SourceLocation Location, IReadOnlyList<SourceLocation>? ItemLocations = null);

/// <summary>The keys a file may hold: top-level keys, and the keys of each section.</summary>
internal sealed record YamlSchema(
    IReadOnlyDictionary<string, ValueKind> Keys,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, ValueKind>> Sections);

/// <summary>
/// Reads a YAML mapping strictly against a schema: unknown keys (with a did-you-mean), wrong types and malformed
/// YAML are errors naming file, line and column. Nested sections are flattened (<c>bootstrap.url</c>).
/// </summary>
/// <remarks>
/// Read through YamlDotNet's node model rather than its object mapper: it needs no reflection (safe under
/// Native AOT) and keeps the line and column of every key and value, which strict errors need.
/// </remarks>
internal static partial class StrictYaml
{
    /// <returns>The values, and where the mapping starts (for errors about keys that are missing).</returns>
    /// <param name="sections">When given, receives where each section present starts (for errors about its missing keys).</param>
    public static (Dictionary<string, YamlValue> Values, SourceLocation Start) Read(string text, string file, YamlSchema schema, string what, Dictionary<string, SourceLocation>? sections = null)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new ShapeCheckingParser(new Parser(new StringReader(text)), file, what));
        }
        catch (YamlException e)
        {
            throw new ConfigurationException($"{At(file, e.Start)}: malformed YAML: {LocationPrefix().Replace(e.Message, "")}", e);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            throw new ConfigurationException($"{SourceLocation.StartOf(file)}: the {what} is empty");
        }

        if (stream.Documents.Count > 1)
        {
            throw new ConfigurationException($"{At(file, stream.Documents[1].RootNode.Start)}: a {what} file holds one document; remove the second");
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new ConfigurationException($"{At(file, stream.Documents[0].RootNode.Start)}: a {what} must be a mapping of keys to values");
        }

        var values = new Dictionary<string, YamlValue>(StringComparer.Ordinal);
        ReadMapping(root, file, "", schema.Keys, schema, values, sections ?? []);
        return (values, At(file, root.Start));
    }

    /// <summary>
    /// Deepest nesting a pibuild file may have. The node model recurses per level (100 000 nested <c>[</c> overflow the
    /// stack) and an alias may refer to its own node: both are refused from the parser's events, before their nodes exist.
    /// </summary>
    private const int MaxDepth = 64;

    /// <summary>Passes the parser's events to the node model, refusing aliases, anchors and deep nesting as they come.</summary>
    private sealed class ShapeCheckingParser(IParser parser, string file, string what) : IParser
    {
        private int _depth;

        public YamlDotNet.Core.Events.ParsingEvent? Current => parser.Current;

        public bool MoveNext()
        {
            if (!parser.MoveNext())
            {
                return false;
            }

            switch (parser.Current)
            {
                case YamlDotNet.Core.Events.AnchorAlias alias:
                    throw new ConfigurationException($"{At(file, alias.Start)}: YAML aliases (*{alias.Value}) are not allowed in a {what}; write the value out");
                case YamlDotNet.Core.Events.NodeEvent { Anchor.IsEmpty: false } anchored:
                    throw new ConfigurationException($"{At(file, anchored.Start)}: YAML anchors (&{anchored.Anchor}) are not allowed in a {what}; write the value out");
                case YamlDotNet.Core.Events.MappingStart or YamlDotNet.Core.Events.SequenceStart when ++_depth > MaxDepth:
                    throw new ConfigurationException($"{At(file, parser.Current.Start)}: a {what} nests more than {MaxDepth} levels deep");
                case YamlDotNet.Core.Events.MappingEnd or YamlDotNet.Core.Events.SequenceEnd:
                    _depth--;
                    break;
            }

            return true;
        }
    }

    public static SourceLocation At(string file, Mark mark) => new(file, (int)mark.Line, (int)mark.Column);

    private static void ReadMapping(
        YamlMappingNode mapping,
        string file,
        string prefix,
        IReadOnlyDictionary<string, ValueKind> keys,
        YamlSchema schema,
        Dictionary<string, YamlValue> values,
        Dictionary<string, SourceLocation> sections)
    {
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key })
            {
                throw new ConfigurationException($"{At(file, keyNode.Start)}: keys must be plain names");
            }

            if (!keys.TryGetValue(key, out var kind))
            {
                var where = prefix.Length == 0 ? "" : $" in '{prefix.TrimEnd('.')}'";
                throw new ConfigurationException(
                    $"{At(file, keyNode.Start)}: unknown key '{key}'{where}{NameSuggestion.Hint(key, keys.Keys)}");
            }

            var location = At(file, valueNode.Start);
            var path = prefix + key;
            if (kind == ValueKind.Section)
            {
                if (valueNode is not YamlMappingNode section)
                {
                    throw new ConfigurationException($"{location}: '{path}' must be a mapping of keys to values");
                }

                sections[path] = At(file, keyNode.Start);
                ReadMapping(section, file, path + ".", schema.Sections[key], schema, values, sections);
                continue;
            }

            if (kind == ValueKind.TextMap)
            {
                values[path] = ReadTextMap(valueNode, file, path, location);
                continue;
            }

            if (kind == ValueKind.ListMap)
            {
                values[path] = ReadListMap(valueNode, file, path, location);
                continue;
            }

            if (kind == ValueKind.SectionMap)
            {
                values[path] = ReadSectionMap(valueNode, file, path, location, schema.Sections[key], schema, values, sections);
                continue;
            }

            var items = valueNode is YamlSequenceNode list ? list.Children.Select(item => At(file, item.Start)).ToArray() : null;
            values[path] = new YamlValue(Convert(valueNode, kind, path, location), location, items);
        }
    }

    /// <summary>A mapping of names to strings; the item locations are the names'.</summary>
    private static YamlValue ReadTextMap(YamlNode node, string file, string key, SourceLocation location)
    {
        if (node is not YamlMappingNode mapping)
        {
            throw new ConfigurationException($"{location}: '{key}' must be a mapping of names to strings");
        }

        var pairs = new List<KeyValuePair<string, string>>();
        var names = new List<SourceLocation>();
        foreach (var (name, value) in mapping.Children)
        {
            if (name is not YamlScalarNode { Value: { Length: > 0 } text } || value is not YamlScalarNode { Value: { Length: > 0 } item })
            {
                throw new ConfigurationException($"{At(file, name.Start)}: '{key}' must be a mapping of names to strings");
            }

            pairs.Add(new(text, item));
            names.Add(At(file, name.Start));
        }

        return new YamlValue(pairs.ToArray(), location, names);
    }

    /// <summary>A mapping of names to lists of strings; the item locations are the names'.</summary>
    private static YamlValue ReadListMap(YamlNode node, string file, string key, SourceLocation location)
    {
        if (node is not YamlMappingNode mapping)
        {
            throw new ConfigurationException($"{location}: '{key}' must be a mapping of names to lists, e.g. {{kitchen: [a, b]}}");
        }

        var pairs = new List<KeyValuePair<string, string[]>>();
        var names = new List<SourceLocation>();
        foreach (var (name, value) in mapping.Children)
        {
            if (name is not YamlScalarNode { Value: { Length: > 0 } text })
            {
                throw new ConfigurationException($"{At(file, name.Start)}: '{key}' must be a mapping of names to lists");
            }

            pairs.Add(new(text, (string[])Convert(value, ValueKind.TextList, $"{key}.{text}", At(file, value.Start))));
            names.Add(At(file, name.Start));
        }

        return new YamlValue(pairs.ToArray(), location, names);
    }

    /// <summary>Each named entry read as a section (or a string for its first key); the value at the key lists the names.</summary>
    private static YamlValue ReadSectionMap(
        YamlNode node, string file, string key, SourceLocation location, IReadOnlyDictionary<string, ValueKind> keys, YamlSchema schema, Dictionary<string, YamlValue> values, Dictionary<string, SourceLocation> sections)
    {
        if (node is not YamlMappingNode mapping)
        {
            throw new ConfigurationException($"{location}: '{key}' must be a mapping of names to entries");
        }

        sections[key] = location;
        var names = new List<string>();
        var at = new List<SourceLocation>();
        foreach (var (nameNode, entry) in mapping.Children)
        {
            if (nameNode is not YamlScalarNode { Value: { Length: > 0 } name } || name.Contains('.', StringComparison.Ordinal))
            {
                throw new ConfigurationException($"{At(file, nameNode.Start)}: '{key}' names its entries with plain names (no '.')");
            }

            var path = $"{key}.{name}";
            sections[path] = At(file, nameNode.Start);
            if (entry is YamlMappingNode section)
            {
                ReadMapping(section, file, path + ".", keys, schema, values, sections);
            }
            else
            {
                var first = keys.Keys.First();
                values[$"{path}.{first}"] = new YamlValue(Convert(entry, ValueKind.Text, $"{path}", At(file, entry.Start)), At(file, entry.Start));
            }

            names.Add(name);
            at.Add(At(file, nameNode.Start));
        }

        return new YamlValue(names.ToArray(), location, at);
    }

    private static object Convert(YamlNode node, ValueKind kind, string key, SourceLocation location)
    {
        if (kind == ValueKind.TextList)
        {
            if (node is not YamlSequenceNode sequence)
            {
                throw new ConfigurationException($"{location}: '{key}' must be a list of strings");
            }

            return sequence.Children
                .Select(item => item is YamlScalarNode { Value: { } text }
                    ? text
                    : throw new ConfigurationException($"{At(location.File, item.Start)}: '{key}' must be a list of strings"))
                .ToArray();
        }

        if (node is not YamlScalarNode { Value: { } scalar } || (scalar.Length == 0 && node is YamlScalarNode { Style: ScalarStyle.Plain }))
        {
            throw new ConfigurationException($"{location}: '{key}' must be {Describe(kind)}, got {DescribeNode(node)}");
        }

        switch (kind)
        {
            case ValueKind.Number:
                return int.TryParse(scalar, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
                    ? number
                    : throw new ConfigurationException($"{location}: '{key}' must be {Describe(kind)}, got '{scalar}'");
            case ValueKind.Boolean:
                return scalar switch
                {
                    "true" => true,
                    "false" => false,
                    _ => throw new ConfigurationException($"{location}: '{key}' must be {Describe(kind)}, got '{scalar}'"),
                };
            default:
                return scalar;
        }
    }

    private static string Describe(ValueKind kind) => kind switch
    {
        ValueKind.Number => "a whole number",
        ValueKind.Boolean => "true or false",
        ValueKind.TextList => "a list of strings",
        _ => "a string",
    };

    private static string DescribeNode(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        _ => "nothing",
    };

    // YamlDotNet prefixes its messages with "(Line: 3, Col: 1, Idx: 20) - (Line: …): "; the location is printed our way.
    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex LocationPrefix();
}
