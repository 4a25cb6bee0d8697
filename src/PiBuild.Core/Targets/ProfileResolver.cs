using System.Text.RegularExpressions;
using PiBuild.Core.Configuration;

namespace PiBuild.Core.Targets;

/// <summary>Applies <c>extends</c> across layers and validates the result into a <see cref="TargetProfile"/>.</summary>
internal sealed partial class ProfileResolver(IReadOnlyList<Dictionary<string, (ProfileDocument Document, ProfileLayer Layer)>> layers)
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
        if (parentLayer is null)
        {
            var known = layers.SelectMany(l => l.Keys).Distinct().Order(StringComparer.Ordinal).ToArray();
            throw new ConfigurationException(
                $"{extends.Location}: 'extends' names unknown profile '{parentName}'{NameSuggestion.Hint(parentName, known)} (known: {string.Join(", ", known)})");
        }

        var (merged, chain) = Merge(parentName, parentLayer.Value, visiting);
        foreach (var (key, value) in own)
        {
            merged[key] = value;
        }

        chain.Insert(0, parentName);
        return (merged, chain);
    }

    private static TargetProfile Validate(
        Dictionary<string, YamlValue> values,
        ProfileDocument document,
        ProfileLayer layer,
        List<string> chain)
    {
        var fileStart = SourceLocation.StartOf(document.File);
        string Text(string key) => values.TryGetValue(key, out var v) ? (string)v.Value : "";
        string? OptionalText(string key) => values.TryGetValue(key, out var v) ? (string)v.Value : null;

        int? Positive(string key)
        {
            if (!values.TryGetValue(key, out var v))
            {
                return null;
            }

            var number = (int)v.Value;
            return number > 0 ? number : throw new ConfigurationException($"{v.Location}: '{key}' must be greater than zero, got {number}");
        }

        YamlValue Required(string key) => values.TryGetValue(key, out var v)
            ? v
            : throw new ConfigurationException($"{fileStart}: missing required key '{key}' (in profile '{document.Name}' or what it extends)");

        var goos = Required("goos");
        OneOf(goos, "goos", ProfileSchema.KnownGoOs);
        var goarch = Required("goarch");
        OneOf(goarch, "goarch", ProfileSchema.KnownGoArch);

        GoArm? goarm = null;
        if (values.TryGetValue("goarm", out var goarmValue))
        {
            if ((string)goarch.Value != "arm")
            {
                throw new ConfigurationException($"{goarmValue.Location}: 'goarm' applies only to goarch 'arm', not '{goarch.Value}'; remove it");
            }

            goarm = GoArm.TryParse((string)goarmValue.Value, out var parsed)
                ? parsed
                : throw new ConfigurationException(
                    $"{goarmValue.Location}: 'goarm' must be 5, 6 or 7, optionally followed by ',softfloat' or ',hardfloat'; got '{goarmValue.Value}'");
        }
        else if ((string)goarch.Value == "arm")
        {
            throw new ConfigurationException($"{fileStart}: missing required key 'goarm' for goarch 'arm' (5, 6 or 7)");
        }

        return new TargetProfile
        {
            Name = document.Name,
            Board = Text("board"),
            Soc = Text("soc"),
            Cpu = Text("cpu"),
            Cores = Positive("cores"),
            ClockMhz = Positive("clock_mhz"),
            Isa = Text("isa"),
            Fpu = Text("fpu"),
            MemoryMb = Positive("memory_mb"),
            GoOs = (string)goos.Value,
            GoArch = (string)goarch.Value,
            GoArm = goarm,
            Cgo = values.TryGetValue("cgo", out var cgo) && (bool)cgo.Value,
            QemuCpu = OptionalText("qemu_cpu"),
            ThreadStackKb = Positive("thread_stack_kb") ?? ProfileSchema.DefaultThreadStackKb,
            TestTimeoutScale = Positive("test_timeout_scale") ?? ProfileSchema.DefaultTestTimeoutScale,
            Detect = new BoardDetection(
                values.TryGetValue("detect.models", out var models) ? (string[])models.Value : [],
                OptionalText("detect.cpu_part")),
            Bootstrap = ValidateBootstrap(values),
            Origin = new ProfileOrigin(layer.Name, document.File),
            Extends = chain,
        };
    }

    private static BootstrapSource? ValidateBootstrap(Dictionary<string, YamlValue> values)
    {
        var keys = values.Keys.Where(k => k.StartsWith("bootstrap.", StringComparison.Ordinal)).ToArray();
        if (keys.Length == 0)
        {
            return null;
        }

        values.TryGetValue("bootstrap.from", out var from);
        values.TryGetValue("bootstrap.url", out var url);
        values.TryGetValue("bootstrap.sha256", out var sha256);
        var fromName = from is null ? (url is null ? "go-index" : "url") : (string)from.Value;
        if (from is not null)
        {
            OneOf(from, "bootstrap.from", ProfileSchema.BootstrapFrom);
        }

        if (sha256 is not null && !Sha256Pattern().IsMatch((string)sha256.Value))
        {
            throw new ConfigurationException($"{sha256.Location}: 'bootstrap.sha256' must be 64 hexadecimal digits");
        }

        if (fromName == "url" && (url is null || sha256 is null))
        {
            var at = (from ?? url ?? sha256)!.Location;
            throw new ConfigurationException($"{at}: a bootstrap 'from: url' needs both 'url' and 'sha256' (a download without a checksum is refused)");
        }

        return new BootstrapSource(
            fromName,
            values.TryGetValue("bootstrap.archive_arch", out var arch) ? (string)arch.Value : null,
            (string?)url?.Value,
            ((string?)sha256?.Value)?.ToLowerInvariant());
    }

    private static void OneOf(YamlValue value, string key, IReadOnlyList<string> allowed)
    {
        var text = (string)value.Value;
        if (!allowed.Contains(text))
        {
            throw new ConfigurationException(
                $"{value.Location}: unknown {key} '{text}'{NameSuggestion.Hint(text, allowed)} (one of: {string.Join(", ", allowed)})");
        }
    }

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Sha256Pattern();
}
