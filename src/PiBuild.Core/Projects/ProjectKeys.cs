using PiBuild.Core.Addresses;
using PiBuild.Core.Configuration;
using PiBuild.Core.FileSystem;

namespace PiBuild.Core.Projects;

/// <summary>The values <see cref="StrictYaml"/> read from a <c>pibuild.yaml</c>, for its keys' checks.</summary>
internal sealed class ProjectValues(IReadOnlyDictionary<string, YamlValue> values, IReadOnlyDictionary<string, SourceLocation> sections)
{
    public bool Has(string key) => values.ContainsKey(key) || sections.ContainsKey(key);

    public YamlValue this[string key] => values[key];

    public string Text(string key) => (string)values[key].Value;

    public IEnumerable<(string Item, SourceLocation At)> Items(string key) => ((string[])values[key].Value).Zip(values[key].ItemLocations ?? []);

    /// <summary>Every value read, for a section's own parser (<c>deb.*</c>), and where the section starts.</summary>
    public (IReadOnlyDictionary<string, YamlValue> All, SourceLocation Start) Section(string name) => (values, sections[name]);
}

/// <summary>One <c>pibuild.yaml</c> key: its YAML kind, what it is for (the README's table says the same), and its check.</summary>
/// <param name="Apply">Checks the value (errors at its line and column) and sets it.</param>
internal sealed record ProjectKey(string Name, ValueKind Kind, string Meaning, Func<ProjectConfig, ProjectValues, ProjectConfig> Apply);

/// <summary>
/// Every key <c>pibuild.yaml</c> may hold. Adding one is one declaration here: the schema (with did-you-mean for a
/// typo), the check with <c>FILE:LINE:COL</c> and the setting come from it; its documentation is checked against the
/// README by a spec.
/// </summary>
internal static class ProjectKeys
{
    private static readonly string[] Placeholders = ["{project}", "{version}", "{os}", "{arch}", "{target}"];
    private static readonly string[] Formats = [ProjectConfig.TarGzFormat, ProjectConfig.DebFormat];

    public static IReadOnlyList<ProjectKey> All { get; } =
    [
        new("project", ValueKind.Text, "the project's name in archive and package names (default: the directory's)", (config, values) =>
        {
            // The project's name becomes part of file names.
            var name = values.Text("project");
            return ProjectConfig.ProjectName().IsMatch(name)
                ? config with { Project = name }
                : throw new ConfigurationException($"{values["project"].Location}: 'project' must be a name of letters, digits, '.', '_', '+' and '-' (starting with a letter or digit), not '{ArchiveName.Display(name)}'");
        }),
        new("targets", ValueKind.TextList, "the boards built when --target is not given", (config, values) =>
            config with { Targets = [.. values.Items("targets").Select(i => i.Item)] }),
        new("commands", ValueKind.TextList, "the packages a release builds (default: every main package)", (config, values) =>
        {
            // Packages of the project: a path that leaves it would build someone else's code into the release.
            foreach (var (package, at) in values.Items("commands"))
            {
                if (package.StartsWith('/') || package.Split('/').Contains(".."))
                {
                    throw new ConfigurationException($"{at}: 'commands' names packages inside the project (./cmd/x, ./...), not '{ArchiveName.Display(package)}'");
                }
            }

            return config with { Commands = [.. values.Items("commands").Select(i => i.Item)] };
        }),
        new("ldflags", ValueKind.Text, "linker flags for every build, before --ldflags; {version} and {commit} are filled in", (config, values) =>
        {
            // Checked as the command line's are: nothing that runs a program or writes outside the build.
            GoToolFlags.CheckLinkerFlags(values.Text("ldflags"), $"{values["ldflags"].Location}: 'ldflags'");
            return config with { LdFlags = values.Text("ldflags") };
        }),
        new("tags", ValueKind.TextList, "build tags for every build, before --tags", (config, values) =>
        {
            // A tag is what go accepts in a //go:build line; anything else would fail in go build after the checks.
            foreach (var (tag, at) in values.Items("tags"))
            {
                if (!ProjectConfig.BuildTag().IsMatch(tag))
                {
                    throw new ConfigurationException($"{at}: 'tags' are build tags of letters, digits, '_' and '.', one per item, not '{ArchiveName.Display(tag)}'");
                }
            }

            return config with { Tags = [.. values.Items("tags").Select(i => i.Item)] };
        }),
        new("files", ValueKind.TextList, "files packed beside the binaries (default: README* and LICENSE* at the root)", (config, values) =>
        {
            // Read from inside the project only.
            foreach (var (name, at) in values.Items("files"))
            {
                if (name.Length == 0 || name.StartsWith('/') || name.Split('/').Contains(".."))
                {
                    throw new ConfigurationException($"{at}: 'files' names files inside the project, by a relative path without '..', not '{ArchiveName.Display(name)}'");
                }
            }

            return config with { Files = [.. values.Items("files").Select(i => i.Item)] };
        }),
        new("archive", ValueKind.Text, "the archive's name: {project} {version} {os} {arch} {target}; must contain {version}", (config, values) =>
        {
            var template = values.Text("archive");
            var at = values["archive"].Location;
            var unknown = System.Text.RegularExpressions.Regex.Matches(template, @"\{[^}]*\}").Select(m => m.Value).FirstOrDefault(p => !Placeholders.Contains(p));
            if (unknown is not null)
            {
                throw new ConfigurationException(
                    $"{at}: unknown placeholder {unknown} in 'archive'{NameSuggestion.Hint(unknown, Placeholders)} (known: {string.Join(", ", Placeholders)})");
            }

            return template.Contains('/', StringComparison.Ordinal) || !template.Contains("{version}", StringComparison.Ordinal)
                ? throw new ConfigurationException($"{at}: 'archive' must be a file name containing {{version}}, without '/'")
                : config with { ArchiveTemplate = template };
        }),
        new("formats", ValueKind.TextList, "what a release writes: tar.gz, deb or both (default: tar.gz)", (config, values) =>
        {
            foreach (var (format, at) in values.Items("formats"))
            {
                if (!Formats.Contains(format))
                {
                    throw new ConfigurationException($"{at}: unknown format '{ArchiveName.Display(format)}' in 'formats'{NameSuggestion.Hint(format, Formats)} (known: {string.Join(", ", Formats)})");
                }
            }

            var formats = values.Items("formats").Select(i => i.Item).Distinct().ToArray();
            return formats.Length > 0
                ? config with { Formats = formats }
                : throw new ConfigurationException($"{values["formats"].Location}: 'formats' lists no format; name tar.gz, deb or both");
        }),
        new("deb", ValueKind.Section, "the Debian package: maintainer, depends, files, systemd units (see Packages for Raspberry Pi OS)", (config, values) =>
        {
            var (all, start) = values.Section("deb");
            return config with { Deb = DebPackageConfig.Parse(all, start) };
        }),
        new("image", ValueKind.Section, "the container image: command, ports, labels, env, tzdata (see Container images)", (config, values) =>
            config with { Image = ImageConfig.Parse(values.Section("image").All) }),
        new("devices", ValueKind.SectionMap, "devices --on may name: name → host (or {host, target, to, restart})", (config, values) =>
        {
            var names = values["devices"];
            var all = values.Section("devices").All;
            var devices = ((string[])names.Value).Zip(names.ItemLocations!).Select(n =>
            {
                string? Text(string key) => all.GetValueOrDefault($"devices.{n.First}.{key}")?.Value as string;
                var host = Text("host") ?? throw new ConfigurationException($"{n.Second}: device '{n.First}' needs a host: {n.First}: pi@10.0.0.5");
                try
                {
                    DeviceAddress.Parse(host);
                }
                catch (ConfigurationException e)
                {
                    throw new ConfigurationException($"{all[$"devices.{n.First}.host"].Location}: {e.Message}", e);
                }

                if (Text("to") is { } to && !to.StartsWith('/'))
                {
                    throw new ConfigurationException($"{all[$"devices.{n.First}.to"].Location}: 'to' of device '{n.First}' must be an absolute directory on it, e.g. /usr/local/bin");
                }

                return new ConfiguredDevice(n.First, host, Text("target"), Text("to"), Text("restart"), n.Second);
            }).ToArray();
            return config with { Devices = devices };
        }),
        new("groups", ValueKind.ListMap, "groups of devices for --on @NAME: name → [device, …]", (config, values) =>
        {
            var map = values["groups"];
            var groups = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            foreach (var (pair, at) in ((KeyValuePair<string, string[]>[])map.Value).Zip(map.ItemLocations!))
            {
                var known = config.Devices.Select(d => d.Name).ToArray();
                if (pair.Value.Length == 0)
                {
                    throw new ConfigurationException($"{at}: group '{pair.Key}' lists no device; name some, or remove it");
                }

                if (pair.Key == ConfiguredDevice.AllGroup)
                {
                    throw new ConfigurationException($"{at}: 'all' is every device already (--on @all); name the group otherwise");
                }

                if (pair.Value.FirstOrDefault(d => !known.Contains(d)) is { } unknown)
                {
                    throw new ConfigurationException($"{at}: group '{pair.Key}' names '{unknown}', which is not under devices:{NameSuggestion.Hint(unknown, known)}");
                }

                groups[pair.Key] = pair.Value;
            }

            return config with { Groups = groups };
        }),
        new("cgo", ValueKind.Boolean, "every building command builds with cgo, as --cgo", (config, values) =>
            config with { Cgo = (bool)values["cgo"].Value }),
        new("sysroots", ValueKind.TextMap, "a board's sysroot for cgo, relative to the project, as --sysroot BOARD=DIR", (config, values) =>
        {
            var map = values["sysroots"];
            return config with
            {
                Sysroots = [.. ((KeyValuePair<string, string>[])map.Value).Zip(map.ItemLocations!).Select(p => new ConfiguredSysroot(p.First.Key, p.First.Value, p.Second))],
            };
        }),
    ];

    /// <summary>The file's schema, from the keys: the deb section's own keys are <see cref="DebPackageConfig.Keys"/>.</summary>
    public static YamlSchema Schema { get; } = new(
        All.ToDictionary(k => k.Name, k => k.Kind),
        new Dictionary<string, IReadOnlyDictionary<string, ValueKind>>
        {
            ["deb"] = DebPackageConfig.Keys, ["image"] = ImageConfig.Keys, ["devices"] = ConfiguredDevice.Keys,
        });
}
