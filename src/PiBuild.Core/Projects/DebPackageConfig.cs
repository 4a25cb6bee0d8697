using System.Globalization;
using System.Text.RegularExpressions;
using PiBuild.Core.Configuration;
using PiBuild.Core.FileSystem;

namespace PiBuild.Core.Projects;

/// <summary>An extra file of a package: where it is in the project, where it is installed, its mode.</summary>
internal sealed record DebFile(string Source, string Destination, int Mode, SourceLocation At);

/// <summary>A systemd unit file of the project, installed to <c>/lib/systemd/system</c>, enabled and started.</summary>
internal sealed record DebUnit(string Source, SourceLocation At)
{
    public string Name => Path.GetFileName(Source);
}

/// <summary>
/// The <c>deb:</c> section of <c>pibuild.yaml</c>, validated when the file is read: every mistake is reported at its
/// line and column before anything is built. Files it names are checked against the project by <see cref="CheckFiles"/>.
/// </summary>
internal sealed partial record DebPackageConfig(
    string? Package,
    string Maintainer,
    string? Description,
    string? Homepage,
    IReadOnlyList<string> Depends,
    string Section,
    string Priority,
    IReadOnlyList<DebFile> Files,
    IReadOnlyList<string> Conffiles,
    IReadOnlyList<DebUnit> Systemd)
{
    public static readonly IReadOnlyDictionary<string, ValueKind> Keys = new Dictionary<string, ValueKind>
    {
        ["package"] = ValueKind.Text,
        ["maintainer"] = ValueKind.Text,
        ["description"] = ValueKind.Text,
        ["homepage"] = ValueKind.Text,
        ["depends"] = ValueKind.TextList,
        ["section"] = ValueKind.Text,
        ["priority"] = ValueKind.Text,
        ["files"] = ValueKind.TextList,
        ["conffiles"] = ValueKind.TextList,
        ["systemd"] = ValueKind.TextList,
    };

    private static readonly string[] Priorities = ["required", "important", "standard", "optional"];
    private static readonly string[] UnitKinds = [".service", ".socket", ".timer", ".path", ".target", ".mount"];

    /// <summary>The section from the values StrictYaml read (keys <c>deb.*</c>); <paramref name="start"/> is where <c>deb:</c> is.</summary>
    public static DebPackageConfig Parse(IReadOnlyDictionary<string, YamlValue> values, SourceLocation start)
    {
        YamlValue? Value(string key) => values.GetValueOrDefault("deb." + key);
        string? Text(string key) => Value(key)?.Value as string;
        IEnumerable<(string Item, SourceLocation At)> Items(string key) =>
            Value(key) is { } v ? ((string[])v.Value).Zip(v.ItemLocations ?? []) : [];

        if (Value("package") is { } package && !PackageName().IsMatch((string)package.Value))
        {
            throw new ConfigurationException($"{package.Location}: 'deb.package' must be a Debian package name: lower-case letters, digits, '+', '-' and '.', at least two, starting with a letter or digit (not '{ArchiveName.Display((string)package.Value)}')");
        }

        var maintainer = Value("maintainer") ?? throw new ConfigurationException(
            $"{start}: 'deb' needs 'maintainer', the person or team responsible for the package (maintainer: \"Jane Doe <jane@example.com>\")");
        if (!MaintainerPattern().IsMatch((string)maintainer.Value))
        {
            throw new ConfigurationException($"{maintainer.Location}: 'deb.maintainer' must be a name and an address, \"Jane Doe <jane@example.com>\", not '{ArchiveName.Display((string)maintainer.Value)}'");
        }

        if (Value("priority") is { } priority && !Priorities.Contains((string)priority.Value))
        {
            throw new ConfigurationException($"{priority.Location}: 'deb.priority' must be one of {string.Join(", ", Priorities)}{NameSuggestion.Hint((string)priority.Value, Priorities)}");
        }

        if (Value("section") is { } section && !SectionPattern().IsMatch((string)section.Value))
        {
            throw new ConfigurationException($"{section.Location}: 'deb.section' must be a Debian section such as misc, net, utils or contrib/net");
        }

        if (Value("homepage") is { } homepage && !(Uri.TryCreate((string)homepage.Value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            throw new ConfigurationException($"{homepage.Location}: 'deb.homepage' must be an http or https URL");
        }

        foreach (var (relation, at) in Items("depends"))
        {
            if (!relation.Split('|').All(alternative => Relation().IsMatch(alternative.Trim())))
            {
                throw new ConfigurationException($"{at}: '{ArchiveName.Display(relation)}' in 'deb.depends' is not a Debian relation (e.g. libc6 (>= 2.31), or a | b); give one package per item");
            }
        }

        var files = Items("files").Select(x => ParseFile(x.Item, x.At)).ToArray();
        var duplicate = files.GroupBy(f => f.Destination, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ConfigurationException($"{duplicate.Last().At}: {duplicate.Key} is installed twice by 'deb.files'");
        }

        foreach (var (conffile, at) in Items("conffiles"))
        {
            if (!conffile.StartsWith("/etc/", StringComparison.Ordinal) || files.All(f => f.Destination != conffile))
            {
                throw new ConfigurationException($"{at}: conffile '{ArchiveName.Display(conffile)}' must be a file under /etc/ that 'deb.files' installs");
            }
        }

        var units = Items("systemd").Select(x =>
        {
            CheckRelative(x.Item, x.At, "deb.systemd");
            return UnitKinds.Any(k => x.Item.EndsWith(k, StringComparison.Ordinal)) && UnitName().IsMatch(Path.GetFileName(x.Item))
                ? new DebUnit(x.Item, x.At)
                : throw new ConfigurationException($"{x.At}: '{ArchiveName.Display(x.Item)}' in 'deb.systemd' is not a unit file (a name of letters, digits and @._:- ending in {string.Join(", ", UnitKinds)})");
        }).ToArray();

        return new DebPackageConfig(
            Text("package"), (string)maintainer.Value, Text("description"), Text("homepage"), Items("depends").Select(x => x.Item.Trim()).ToArray(),
            Text("section") ?? "misc", Text("priority") ?? "optional", files, Items("conffiles").Select(x => x.Item).ToArray(), units);
    }

    /// <summary>The package name from the project's: lower case, anything else Debian refuses made a '-'.</summary>
    public static string PackageNameFor(string project)
    {
        var name = InvalidInName().Replace(project.ToLowerInvariant(), "-").Trim('-', '.', '+');
        return name.Length >= 2 ? name : name + "-pkg";
    }

    /// <summary>Every file the section names exists in the project, as a regular file that lies inside it.</summary>
    public void CheckFiles(string projectRoot)
    {
        var root = PosixFiles.RealPath(projectRoot) ?? projectRoot;
        foreach (var (source, at, key) in Files.Select(f => (f.Source, f.At, "deb.files")).Concat(Systemd.Select(u => (u.Source, u.At, "deb.systemd"))))
        {
            var path = Path.Combine(projectRoot, source);
            if (PosixFiles.KindOf(path) != FileKind.Regular)
            {
                throw new ConfigurationException($"{at}: '{ArchiveName.Display(source)}' in '{key}' does not exist in the project (or is not a regular file)");
            }

            if (PosixFiles.RealPath(path) is not { } real || !real.StartsWith(root + "/", StringComparison.Ordinal))
            {
                throw new ConfigurationException($"{at}: '{ArchiveName.Display(source)}' in '{key}' leads outside the project");
            }
        }
    }

    /// <summary><c>SOURCE:DESTINATION[:MODE]</c>, e.g. <c>config/sensord.yaml:/etc/sensord/config.yaml:0640</c>.</summary>
    private static DebFile ParseFile(string item, SourceLocation at)
    {
        var parts = item.Split(':');
        if (parts.Length is < 2 or > 3)
        {
            throw new ConfigurationException($"{at}: 'deb.files' items are SOURCE:DESTINATION[:MODE] (e.g. sensord.yaml:/etc/sensord.yaml:0644), not '{ArchiveName.Display(item)}'");
        }

        CheckRelative(parts[0], at, "deb.files");
        var destination = parts[1];
        if (!destination.StartsWith('/') || destination.EndsWith('/') || destination.Split('/').Any(s => s is "." or "..") || destination.Contains("//", StringComparison.Ordinal))
        {
            throw new ConfigurationException($"{at}: the destination in 'deb.files' must be an absolute file path such as /etc/NAME.conf, not '{ArchiveName.Display(destination)}'");
        }

        var mode = 420; // 0644
        if (parts.Length == 3 && !(ModePattern().IsMatch(parts[2]) && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            throw new ConfigurationException($"{at}: the mode in 'deb.files' must be octal such as 0644 or 0755, not '{ArchiveName.Display(parts[2])}'");
        }

        if (parts.Length == 3)
        {
            mode = Convert.ToInt32(parts[2], 8);
        }

        return new DebFile(parts[0], destination, mode, at);
    }

    private static void CheckRelative(string path, SourceLocation at, string key)
    {
        if (path.Length == 0 || path.StartsWith('/') || path.Split('/').Contains(".."))
        {
            throw new ConfigurationException($"{at}: '{key}' names files inside the project, by a relative path without '..', not '{ArchiveName.Display(path)}'");
        }
    }

    [GeneratedRegex(@"^[a-z0-9][a-z0-9+.-]+$")]
    private static partial Regex PackageName();

    [GeneratedRegex(@"[^a-z0-9+.-]+")]
    private static partial Regex InvalidInName();

    [GeneratedRegex(@"^[^<>,\n]+ <[^<>@\s]+@[^<>\s]+>$")]
    private static partial Regex MaintainerPattern();

    [GeneratedRegex(@"^([a-z]+/)?[a-z0-9-]+$")]
    private static partial Regex SectionPattern();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9+.-]+(:[a-z0-9]+)?( \((<<|<=|=|>=|>>) [A-Za-z0-9.+~:-]+\))?$")]
    private static partial Regex Relation();

    [GeneratedRegex(@"^[A-Za-z0-9@._:-]+$")]
    private static partial Regex UnitName();

    [GeneratedRegex(@"^0?[0-7]{3}$")]
    private static partial Regex ModePattern();
}
