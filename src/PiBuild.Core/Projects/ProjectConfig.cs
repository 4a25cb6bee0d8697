using PiBuild.Core.Configuration;

namespace PiBuild.Core.Projects;

/// <summary>
/// <c>pibuild.yaml</c> at a project's root, all optional: the project's name, default targets (for cross and
/// release), the packages to build, ldflags (with <c>{version}</c> and <c>{commit}</c>), extra files, and the
/// release archive name template.
/// </summary>
internal sealed record ProjectConfig(
    string? Project,
    IReadOnlyList<string> Targets,
    IReadOnlyList<string> Commands,
    string? LdFlags,
    IReadOnlyList<string>? Files,
    string? ArchiveTemplate)
{
    public const string FileName = "pibuild.yaml";
    public const string DefaultArchiveTemplate = "{project}_{version}_{os}_{arch}";

    private static readonly YamlSchema Schema = new(
        new Dictionary<string, ValueKind>
        {
            ["project"] = ValueKind.Text,
            ["targets"] = ValueKind.TextList,
            ["commands"] = ValueKind.TextList,
            ["ldflags"] = ValueKind.Text,
            ["files"] = ValueKind.TextList,
            ["archive"] = ValueKind.Text,
        },
        new Dictionary<string, IReadOnlyDictionary<string, ValueKind>>());

    private static readonly string[] Placeholders = ["{project}", "{version}", "{os}", "{arch}", "{target}"];

    public static ProjectConfig Empty { get; } = new(null, [], [], null, null, null);

    /// <summary>The project's <c>pibuild.yaml</c>, or <see cref="Empty"/> when it has none.</summary>
    public static ProjectConfig Load(string projectRoot)
    {
        var path = Path.Combine(projectRoot, FileName);
        return File.Exists(path) ? Parse(File.ReadAllText(path), path) : Empty;
    }

    public static ProjectConfig Parse(string text, string file)
    {
        var (values, _) = StrictYaml.Read(text, file, Schema, FileName);
        string? Text(string key) => values.TryGetValue(key, out var v) ? (string)v.Value : null;
        string[]? List(string key) => values.TryGetValue(key, out var v) ? (string[])v.Value : null;

        if (values.TryGetValue("archive", out var archive))
        {
            var template = (string)archive.Value;
            var unknown = System.Text.RegularExpressions.Regex.Matches(template, @"\{[^}]*\}").Select(m => m.Value).FirstOrDefault(p => !Placeholders.Contains(p));
            if (unknown is not null)
            {
                throw new ConfigurationException(
                    $"{archive.Location}: unknown placeholder {unknown} in 'archive'{NameSuggestion.Hint(unknown, Placeholders)} (known: {string.Join(", ", Placeholders)})");
            }

            if (template.Contains('/', StringComparison.Ordinal) || !template.Contains("{version}", StringComparison.Ordinal))
            {
                throw new ConfigurationException($"{archive.Location}: 'archive' must be a file name containing {{version}}, without '/'");
            }
        }

        return new ProjectConfig(Text("project"), List("targets") ?? [], List("commands") ?? [], Text("ldflags"), List("files"), Text("archive"));
    }
}
