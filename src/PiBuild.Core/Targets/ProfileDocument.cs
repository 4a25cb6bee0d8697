using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PiBuild.Core.Targets;

/// <summary>A value read from a profile file, with where it stands for error messages.</summary>
internal sealed record ProfileValue(object Value, SourceLocation Location);

/// <summary>
/// One profile file as written: its keys type-checked, nothing inherited yet. Nested sections are
/// flattened (<c>bootstrap.url</c>) so that a child profile can override a single nested key.
/// </summary>
/// <remarks>
/// Read through YamlDotNet's node model rather than its object mapper: it needs no reflection (safe under
/// Native AOT) and keeps the line and column of every key and value, which strict errors need.
/// </remarks>
internal sealed partial class ProfileDocument
{
    private ProfileDocument(string file, IReadOnlyDictionary<string, ProfileValue> values)
    {
        File = file;
        Values = values;
    }

    public string File { get; }

    public IReadOnlyDictionary<string, ProfileValue> Values { get; }

    public string Name => (string)Values["name"].Value;

    public ProfileValue? Extends => Values.GetValueOrDefault("extends");

    public static ProfileDocument Parse(string text, string file)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new ConfigurationException(
                $"{At(file, e.Start)}: malformed YAML: {StripLocation(e.Message)}", e);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            throw new ConfigurationException($"{SourceLocation.StartOf(file)}: the profile is empty; it needs at least 'name', 'goos' and 'goarch'");
        }

        if (stream.Documents.Count > 1)
        {
            throw new ConfigurationException($"{At(file, stream.Documents[1].RootNode.Start)}: a profile file holds one profile; split it into one file per board");
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new ConfigurationException($"{At(file, stream.Documents[0].RootNode.Start)}: a profile must be a mapping of keys to values");
        }

        var values = new Dictionary<string, ProfileValue>(StringComparer.Ordinal);
        ReadMapping(root, file, prefix: "", ProfileSchema.TopLevel, values);

        if (!values.ContainsKey("name"))
        {
            throw new ConfigurationException($"{At(file, root.Start)}: missing required key 'name'");
        }

        var name = values["name"];
        if (!NamePattern().IsMatch((string)name.Value))
        {
            throw new ConfigurationException($"{name.Location}: invalid name '{name.Value}': use lower-case letters, digits, '.', '_' and '-'");
        }

        return new ProfileDocument(file, values);
    }

    private static void ReadMapping(
        YamlMappingNode mapping,
        string file,
        string prefix,
        IReadOnlyDictionary<string, ValueKind> schema,
        Dictionary<string, ProfileValue> values)
    {
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key })
            {
                throw new ConfigurationException($"{At(file, keyNode.Start)}: keys must be plain names");
            }

            if (!schema.TryGetValue(key, out var kind))
            {
                var where = prefix.Length == 0 ? "" : $" in '{prefix.TrimEnd('.')}'";
                throw new ConfigurationException(
                    $"{At(file, keyNode.Start)}: unknown key '{key}'{where}{NameSuggestion.Hint(key, schema.Keys)}");
            }

            var location = At(file, valueNode.Start);
            var path = prefix + key;
            if (kind == ValueKind.Section)
            {
                if (valueNode is not YamlMappingNode section)
                {
                    throw new ConfigurationException($"{location}: '{path}' must be a mapping of keys to values");
                }

                ReadMapping(section, file, path + ".", ProfileSchema.Sections[key], values);
                continue;
            }

            values[path] = new ProfileValue(Convert(valueNode, kind, path, location), location);
        }
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

    private static SourceLocation At(string file, Mark mark) => new(file, (int)mark.Line, (int)mark.Column);

    // YamlDotNet prefixes its messages with "(Line: 3, Col: 1, Idx: 20) - (Line: …): "; the location is printed our way.
    private static string StripLocation(string message) => LocationPrefix().Replace(message, "");

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex LocationPrefix();

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]*$")]
    private static partial Regex NamePattern();
}
