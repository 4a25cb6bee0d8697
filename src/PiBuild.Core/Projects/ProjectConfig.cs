using PiBuild.Core.Configuration;
using PiBuild.Core.FileSystem;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Projects;

/// <summary>
/// <c>pibuild.yaml</c> at a project's root, all optional; its keys are <see cref="ProjectKeys.All"/>, each declared
/// once with its kind, meaning and check.
/// </summary>
internal sealed partial record ProjectConfig
{
    public const string TarGzFormat = "tar.gz";
    public const string DebFormat = "deb";

    public const string FileName = "pibuild.yaml";
    public const string DefaultArchiveTemplate = "{project}_{version}_{os}_{arch}";

    /// <summary>The project's name in file names; null: the module's or directory's.</summary>
    public string? Project { get; init; }

    /// <summary>The boards cross, release and layout build for when no --target is given.</summary>
    public IReadOnlyList<string> Targets { get; init; } = [];

    /// <summary>The command packages a release builds; empty: every main package.</summary>
    public IReadOnlyList<string> Commands { get; init; } = [];

    /// <summary>Every build's linker flags, with <c>{version}</c> and <c>{commit}</c> still in them.</summary>
    public string? LdFlags { get; init; }

    /// <summary>Every build's build tags, before --tags.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Files a release packs beside the binaries; null: README* and LICENSE*.</summary>
    public IReadOnlyList<string>? Files { get; init; }

    /// <summary>The archive name template; null: <see cref="DefaultArchiveTemplate"/>.</summary>
    public string? ArchiveTemplate { get; init; }

    /// <summary>The release formats: <c>formats</c>, default tar.gz only.</summary>
    public IReadOnlyList<string> Formats { get; init; } = [TarGzFormat];

    /// <summary>The <c>deb:</c> section, when the project makes Debian packages.</summary>
    public DebPackageConfig? Deb { get; init; }

    /// <summary>The <c>image:</c> section; defaults when absent.</summary>
    public ImageConfig Image { get; init; } = ImageConfig.Default;

    /// <summary>The devices <c>--on</c> may name, in the file's order.</summary>
    public IReadOnlyList<ConfiguredDevice> Devices { get; init; } = [];

    /// <summary>Groups of devices (<c>--on @kitchen</c>), each of known devices and not empty.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Groups { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary><c>cgo: true</c>: every board builds with cgo, as --cgo asks.</summary>
    public bool Cgo { get; init; }

    /// <summary><c>sysroots:</c> a board's name to its sysroot (relative to the project), as --sysroot BOARD=DIR gives one.</summary>
    public IReadOnlyList<ConfiguredSysroot> Sysroots { get; init; } = [];

    /// <summary>The file, and where it named each target and file, for errors found after parsing.</summary>
    public ProjectConfigLocations? Locations { get; init; }

    public static ProjectConfig Empty { get; } = new();

    /// <summary>The project's <c>pibuild.yaml</c>, or <see cref="Empty"/> when it has none.</summary>
    public static ProjectConfig Load(string projectRoot)
    {
        var path = Path.Combine(projectRoot, FileName);
        return PosixFiles.KindOf(path) is null ? Empty : Parse(RegularFile.ReadText(path, FileName), path);
    }

    public static ProjectConfig Parse(string text, string file)
    {
        var sections = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        var (values, _) = StrictYaml.Read(text, file, ProjectKeys.Schema, FileName, sections);
        var read = new ProjectValues(values, sections);
        var config = ProjectKeys.All.Where(key => read.Has(key.Name)).Aggregate(new ProjectConfig(), (config, key) => key.Apply(config, read));

        // The one rule between keys: a deb format needs the deb: section that says who maintains the package.
        if (config.Deb is null && config.Formats.Contains(DebFormat))
        {
            throw new ConfigurationException($"{values["formats"].Location}: 'formats' names deb, but there is no 'deb:' section with its maintainer");
        }

        return config with
        {
            Locations = new ProjectConfigLocations(file, values.GetValueOrDefault("targets")?.ItemLocations ?? [], values.GetValueOrDefault("files")?.ItemLocations ?? []),
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
    internal static partial System.Text.RegularExpressions.Regex ProjectName();

    [System.Text.RegularExpressions.GeneratedRegex(@"^[A-Za-z0-9_.]+$")]
    internal static partial System.Text.RegularExpressions.Regex BuildTag();
}

/// <summary>A <c>sysroots:</c> entry: the board, its sysroot as written, and where.</summary>
internal sealed record ConfiguredSysroot(string Target, string Directory, SourceLocation At);

/// <summary>Where <c>pibuild.yaml</c> is, and where it named each target and file, for errors found after parsing.</summary>
internal sealed record ProjectConfigLocations(string File, IReadOnlyList<SourceLocation> Targets, IReadOnlyList<SourceLocation> Files);
