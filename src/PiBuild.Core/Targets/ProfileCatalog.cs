namespace PiBuild.Core.Targets;

/// <summary>
/// Every known board profile, resolved: built-in profiles, then a project's <c>targets/</c>, then the user's
/// <c>$XDG_CONFIG_HOME/pibuild/targets</c>; a later layer's profile replaces an earlier one of the same name.
/// Loading is strict and eager: one bad profile stops every command, before anything runs.
/// </summary>
internal sealed class ProfileCatalog
{
    private readonly IReadOnlyDictionary<string, TargetProfile> _profiles;

    private ProfileCatalog(IReadOnlyDictionary<string, TargetProfile> profiles) => _profiles = profiles;

    public IReadOnlyList<TargetProfile> All => _profiles.Values.OrderBy(p => p.Name, StringComparer.Ordinal).ToArray();

    public IEnumerable<string> Names => _profiles.Keys.Order(StringComparer.Ordinal);

    public bool Contains(string name) => _profiles.ContainsKey(name);

    /// <summary>The standard layers for a project directory (the working directory or <c>-C DIR</c>).</summary>
    public static ProfileCatalog Load(string projectDirectory, PiBuildPaths paths) => FromLayers(
    [
        ProfileLayer.LoadBuiltIn(),
        ProfileLayer.LoadDirectory(ProfileLayer.Project, Path.Combine(projectDirectory, "targets")),
        ProfileLayer.LoadDirectory(ProfileLayer.User, paths.UserTargetsDirectory),
    ]);

    internal static ProfileCatalog FromLayers(IReadOnlyList<ProfileLayer> layers)
    {
        var parsed = layers.Select(ParseLayer).ToArray();
        var resolver = new ProfileResolver(parsed);
        var profiles = new Dictionary<string, TargetProfile>(StringComparer.Ordinal);
        for (var layer = parsed.Length - 1; layer >= 0; layer--)
        {
            foreach (var name in parsed[layer].Keys)
            {
                if (!profiles.ContainsKey(name))
                {
                    profiles[name] = resolver.Resolve(name, layer);
                }
            }
        }

        return new ProfileCatalog(profiles);
    }

    public TargetProfile Get(string name) =>
        _profiles.TryGetValue(name, out var profile)
            ? profile
            : throw new ConfigurationException(
                $"unknown target '{name}'{NameSuggestion.Hint(name, _profiles.Keys)} (known: {string.Join(", ", Names)})");

    private static Dictionary<string, (ProfileDocument Document, ProfileLayer Layer)> ParseLayer(ProfileLayer layer)
    {
        var documents = new Dictionary<string, (ProfileDocument, ProfileLayer)>(StringComparer.Ordinal);
        foreach (var file in layer.Files)
        {
            var document = ProfileDocument.Parse(file.Text, file.Path);
            if (documents.TryGetValue(document.Name, out var existing))
            {
                throw new ConfigurationException(
                    $"{document.Values["name"].Location}: profile '{document.Name}' is already defined in {existing.Item1.File}; give one of them another name");
            }

            documents[document.Name] = (document, layer);
        }

        return documents;
    }
}
