using PiBuild.Core.Archives;
using PiBuild.Core.Configuration;
using PiBuild.Core.FileSystem;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Projects;

/// <summary>
/// <c>pibuild.yaml</c> at a project's root, all optional: the project's name, default targets (for cross and
/// release), the packages to build, ldflags (with <c>{version}</c> and <c>{commit}</c>), extra files, and the
/// release archive name template; whether the project needs cgo, and the sysroot each board's C code links against.
/// </summary>
internal sealed partial record ProjectConfig(
    string? Project,
    IReadOnlyList<string> Targets,
    IReadOnlyList<string> Commands,
    string? LdFlags,
    IReadOnlyList<string>? Files,
    string? ArchiveTemplate,
    ProjectConfigLocations? Locations = null)
{
    /// <summary>The release formats: <c>formats</c>, default tar.gz only.</summary>
    public IReadOnlyList<string> Formats { get; init; } = [TarGzFormat];

    /// <summary>The <c>deb:</c> section, when the project makes Debian packages.</summary>
    public DebPackageConfig? Deb { get; init; }

    /// <summary><c>cgo: true</c>: every board builds with cgo, as --cgo asks.</summary>
    public bool Cgo { get; init; }

    /// <summary><c>sysroots:</c> a board's name to its sysroot (relative to the project), as --sysroot BOARD=DIR gives one.</summary>
    public IReadOnlyList<ConfiguredSysroot> Sysroots { get; init; } = [];

    public const string TarGzFormat = "tar.gz";
    public const string DebFormat = "deb";

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
            ["formats"] = ValueKind.TextList,
            ["deb"] = ValueKind.Section,
            ["cgo"] = ValueKind.Boolean,
            ["sysroots"] = ValueKind.TextMap,
        },
        new Dictionary<string, IReadOnlyDictionary<string, ValueKind>> { ["deb"] = DebPackageConfig.Keys });

    private static readonly string[] Placeholders = ["{project}", "{version}", "{os}", "{arch}", "{target}"];

    public static ProjectConfig Empty { get; } = new(null, [], [], null, null, null);

    /// <summary>The project's <c>pibuild.yaml</c>, or <see cref="Empty"/> when it has none.</summary>
    public static ProjectConfig Load(string projectRoot)
    {
        var path = Path.Combine(projectRoot, FileName);
        return PosixFiles.KindOf(path) is null ? Empty : Parse(RegularFile.ReadText(path, FileName), path);
    }

    public static ProjectConfig Parse(string text, string file)
    {
        var sections = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        var (values, _) = StrictYaml.Read(text, file, Schema, FileName, sections);
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

        // The project's name becomes part of file names; the extra files are read from inside the project only.
        if (values.TryGetValue("project", out var project) && !ProjectName().IsMatch((string)project.Value))
        {
            throw new ConfigurationException($"{project.Location}: 'project' must be a name of letters, digits, '.', '_', '+' and '-' (starting with a letter or digit), not '{ArchiveName.Display((string)project.Value)}'");
        }

        var files = values.GetValueOrDefault("files");
        foreach (var (name, at) in (List("files") ?? []).Zip(files?.ItemLocations ?? []))
        {
            if (name.Length == 0 || name.StartsWith('/') || name.Split('/').Contains(".."))
            {
                throw new ConfigurationException($"{at}: 'files' names files inside the project, by a relative path without '..', not '{ArchiveName.Display(name)}'");
            }
        }

        string[] known = [TarGzFormat, DebFormat];
        var formats = values.GetValueOrDefault("formats");
        foreach (var (format, at) in (List("formats") ?? []).Zip(formats?.ItemLocations ?? []))
        {
            if (!known.Contains(format))
            {
                throw new ConfigurationException($"{at}: unknown format '{ArchiveName.Display(format)}' in 'formats'{NameSuggestion.Hint(format, known)} (known: {string.Join(", ", known)})");
            }
        }

        if (formats is not null && List("formats") is [])
        {
            throw new ConfigurationException($"{formats.Location}: 'formats' lists no format; name tar.gz, deb or both");
        }

        var deb = sections.TryGetValue("deb", out var debAt) ? DebPackageConfig.Parse(values, debAt) : null;
        if (deb is null && List("formats")?.Contains(DebFormat) == true)
        {
            throw new ConfigurationException($"{formats!.Location}: 'formats' names deb, but there is no 'deb:' section with its maintainer");
        }

        var sysroots = values.TryGetValue("sysroots", out var map)
            ? ((KeyValuePair<string, string>[])map.Value).Zip(map.ItemLocations!).Select(p => new ConfiguredSysroot(p.First.Key, p.First.Value, p.Second)).ToArray()
            : [];
        var locations = new ProjectConfigLocations(file, values.GetValueOrDefault("targets")?.ItemLocations ?? [], files?.ItemLocations ?? []);
        return new ProjectConfig(Text("project"), List("targets") ?? [], List("commands") ?? [], Text("ldflags"), List("files"), Text("archive"), locations)
        {
            Formats = List("formats")?.Distinct().ToArray() ?? [TarGzFormat],
            Deb = deb,
            Cgo = values.TryGetValue("cgo", out var cgo) && (bool)cgo.Value,
            Sysroots = sysroots,
        };
    }

    /// <summary>Refuses a target in <c>targets</c> that no profile defines, at its line and column.</summary>
    public void CheckTargets(ProfileCatalog catalog)
    {
        for (var i = 0; i < Targets.Count; i++)
        {
            if (!catalog.Contains(Targets[i]))
            {
                var at = Locations?.Targets.ElementAtOrDefault(i) is { File: not null } found ? found.ToString() : Locations?.File ?? FileName;
                throw new ConfigurationException($"{at}: unknown target '{Targets[i]}' in 'targets'{NameSuggestion.Hint(Targets[i], catalog.Names)}");
            }
        }
    }

    /// <summary>Where the <c>files</c> item at <paramref name="index"/> was written, for messages about it.</summary>
    public string FileLocation(int index) =>
        Locations?.Files.ElementAtOrDefault(index) is { File: not null } found ? found.ToString() : Locations?.File ?? FileName;

    [System.Text.RegularExpressions.GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._+-]*$")]
    private static partial System.Text.RegularExpressions.Regex ProjectName();
}

/// <summary>A <c>sysroots:</c> entry: the board, its sysroot as written, and where.</summary>
internal sealed record ConfiguredSysroot(string Target, string Directory, SourceLocation At);

/// <summary>Where <c>pibuild.yaml</c> named each target and file, for errors found after parsing.</summary>
internal sealed record ProjectConfigLocations(string File, IReadOnlyList<SourceLocation> Targets, IReadOnlyList<SourceLocation> Files);
