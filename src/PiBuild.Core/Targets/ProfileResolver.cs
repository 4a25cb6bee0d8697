using PiBuild.Core.Configuration;

namespace PiBuild.Core.Targets;

/// <summary>Applies <c>extends</c> across layers and validates the result into a <see cref="TargetProfile"/>.</summary>
internal sealed class ProfileResolver(IReadOnlyList<Dictionary<string, (ProfileDocument Document, ProfileLayer Layer)>> layers)
{
    public TargetProfile Resolve(string name, int layer)
    {
        var (document, source) = layers[layer][name];
        var (values, chain) = Merge(name, layer, []);
        return Validate(values, document, source, chain);
    }

    private (Dictionary<string, YamlValue> Values, List<string> Chain) Merge(string name, int layer, List<(string Name, int Layer)> visiting)
    {
        var document = layers[layer][name].Document;
        if (visiting.Contains((name, layer)))
        {
            var cycle = string.Join(" -> ", visiting.SkipWhile(v => v != (name, layer)).Select(v => v.Name).Append(name));
            throw new ConfigurationException($"{document.Extends!.Location}: 'extends' forms a cycle: {cycle}; break it by removing one 'extends'");
        }

        visiting.Add((name, layer));
        var own = document.Values.Where(kv => kv.Key != "extends").ToDictionary(StringComparer.Ordinal);
        if (document.Extends is not { } extends)
        {
            return (own, []);
        }

        var parentName = (string)extends.Value;

        // "extends: pi2" inside a profile named pi2 refines the pi2 of a lower layer instead of itself.
        var searchFrom = parentName == name ? layer - 1 : layers.Count - 1;
        var parentLayer = Enumerable.Range(0, searchFrom + 1).Reverse().Cast<int?>()
            .FirstOrDefault(l => layers[l!.Value].ContainsKey(parentName));
        if (parentLayer is null && parentName == name)
        {
            throw new ConfigurationException(
                $"{extends.Location}: 'extends: {name}' refines the profile '{name}' of an earlier layer (built-in, then project, then user), but none defines it; remove 'extends' or name another profile");
        }

        if (parentLayer is null)
        {
            var known = layers.SelectMany(l => l.Keys).Distinct().Order(StringComparer.Ordinal).ToArray();
            throw new ConfigurationException(
                $"{extends.Location}: 'extends' names unknown profile '{parentName}'{NameSuggestion.Hint(parentName, known)} (known: {string.Join(", ", known)})");
        }

        var (merged, chain) = Merge(parentName, parentLayer.Value, visiting);
        if (own.TryGetValue("goarch", out var goarch) && merged.TryGetValue("goarch", out var inherited) && !Equals(goarch.Value, inherited.Value))
        {
            // pi3-32 extends pi3 but is another architecture: pi3's GOARM64 says nothing about its 32-bit code.
            foreach (var level in ProfileKeys.All.Where(k => k.IsArchitectureLevel))
            {
                merged.Remove(level.Name);
            }
        }

        foreach (var (key, value) in own)
        {
            merged[key] = value;
        }

        chain.Insert(0, parentName);
        return (merged, chain);
    }

    private static TargetProfile Validate(
        Dictionary<string, YamlValue> merged,
        ProfileDocument document,
        ProfileLayer layer,
        List<string> chain)
    {
        var values = new ProfileValues(merged, document.Name, SourceLocation.StartOf(document.File));
        var read = values.ReadAll(ProfileKeys.All);
        var sections = merged.Keys.Where(k => k.Contains('.', StringComparison.Ordinal)).Select(k => k[..k.IndexOf('.', StringComparison.Ordinal)]).ToHashSet(StringComparer.Ordinal);
        return new TargetProfile(document.Name, new ProfileOrigin(layer.Name, document.File), chain, read, sections);
    }
}
