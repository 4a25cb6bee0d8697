using PiBuild.Core.Addresses;
using PiBuild.Core.Projects;

namespace PiBuild.Core.Devices;

/// <summary>One device of a fleet moving on: its name, the stage it reached, and a detail (the board, why it failed).</summary>
public sealed record DeviceProgress(string Device, string Stage, string? Detail = null);

/// <summary>One device of a rollout: the name it is shown by, where it is, and its own target, directory and unit when pibuild.yaml gives them.</summary>
internal sealed record FleetMember(string Name, DeviceAddress Address, string? Target = null, string? To = null, string? Restart = null);

/// <summary>
/// The devices <c>--on</c> names: a comma-separated list of addresses (<c>[user@]host[:port]</c>, ssh aliases),
/// names from pibuild.yaml's <c>devices:</c>, and groups (<c>@kitchen</c> from <c>groups:</c>, <c>@all</c>), in the
/// order given, each once.
/// </summary>
internal static class Fleet
{
    private const string All = ConfiguredDevice.AllGroup;

    public static IReadOnlyList<FleetMember> Resolve(string on, IReadOnlyList<ConfiguredDevice> devices, IReadOnlyDictionary<string, IReadOnlyList<string>> groups)
    {
        var byName = devices.ToDictionary(d => d.Name, StringComparer.Ordinal);
        var members = new List<FleetMember>();
        foreach (var token in on.Split(',', StringSplitOptions.TrimEntries))
        {
            if (token.Length == 0)
            {
                throw new ConfigurationException($"--on '{on}' has an empty entry; separate devices with one comma");
            }

            IEnumerable<ConfiguredDevice> named;
            if (token.StartsWith('@'))
            {
                var group = token[1..];
                named = group == All
                    ? devices.Count > 0 ? devices : throw new ConfigurationException("--on @all needs devices in pibuild.yaml (devices: {kitchen: pi@10.0.0.5, …})")
                    : groups.TryGetValue(group, out var names)
                        ? names.Select(n => byName[n])
                        : throw new ConfigurationException($"unknown group '{group}' in --on{NameSuggestion.Hint(group, groups.Keys.Append(All))} (known: {string.Join(", ", groups.Keys.Append(All).Select(g => "@" + g))})");
            }
            else if (byName.TryGetValue(token, out var device))
            {
                named = [device];
            }
            else if (!token.Contains('@', StringComparison.Ordinal) && !token.Contains('.', StringComparison.Ordinal) && !token.Contains(':', StringComparison.Ordinal)
                && NameSuggestion.Hint(token, byName.Keys) is { Length: > 0 } hint)
            {
                // A bare word close to a device's name is a typo, not an ssh alias.
                throw new ConfigurationException($"unknown device '{token}'{hint} (devices in pibuild.yaml: {string.Join(", ", byName.Keys)})");
            }
            else
            {
                var address = DeviceAddress.Parse(token);
                members.Add(new FleetMember(token, address));
                continue;
            }

            members.AddRange(named.Select(d => new FleetMember(d.Name, DeviceAddress.Parse(d.Host), d.Target, d.To, d.Restart)));
        }

        return members.DistinctBy(m => m.Address.ToString()).ToArray();
    }
}
