using System.Text.RegularExpressions;
using PiBuild.Core.Configuration;

namespace PiBuild.Core.Targets;

/// <summary>
/// One profile file as written: its keys type-checked, nothing inherited yet. Nested sections are
/// flattened (<c>bootstrap.url</c>) so that a child profile can override a single nested key.
/// </summary>
internal sealed partial class ProfileDocument
{
    private ProfileDocument(string file, IReadOnlyDictionary<string, YamlValue> values)
    {
        File = file;
        Values = values;
    }

    public string File { get; }

    public IReadOnlyDictionary<string, YamlValue> Values { get; }

    public string Name => (string)Values["name"].Value;

    public YamlValue? Extends => Values.GetValueOrDefault("extends");

    public static ProfileDocument Parse(string text, string file)
    {
        var (values, start) = StrictYaml.Read(text, file, ProfileKeys.Schema, "profile");
        if (!values.TryGetValue("name", out var name))
        {
            throw new ConfigurationException($"{start}: missing required key 'name'");
        }

        if (!NamePattern().IsMatch((string)name.Value))
        {
            throw new ConfigurationException($"{name.Location}: invalid name '{name.Value}': use lower-case letters, digits, '.', '_' and '-'");
        }

        return new ProfileDocument(file, values);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]*$")]
    private static partial Regex NamePattern();
}
