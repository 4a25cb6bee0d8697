using System.Text.Json.Nodes;
using PiBuild.Core.Configuration;

namespace PiBuild.Core.Targets;

/// <summary>
/// One key a profile may hold (<c>goarm</c>, or <c>detect.models</c> inside a section): its YAML kind, how its
/// value is read and checked, whether it is part of the board's fingerprint, and how it is shown. Parsing,
/// validation, inheritance, the fingerprint, JSON and <c>targets show</c> all work from <see cref="ProfileKeys.All"/>.
/// </summary>
internal abstract class ProfileKey
{
    private protected ProfileKey(string name, ValueKind kind, bool fingerprinted)
    {
        Name = name;
        Kind = kind;
        Fingerprinted = fingerprinted;
    }

    /// <summary>The key as written in YAML; a key inside a section is <c>section.key</c>.</summary>
    public string Name { get; }

    internal ValueKind Kind { get; }

    /// <summary>Part of what describes the board and its build (release manifests record the hash of these).</summary>
    public bool Fingerprinted { get; }

    /// <summary>A level of one architecture (goarm, goarm64): not inherited by a profile that sets another goarch.</summary>
    internal bool IsArchitectureLevel { get; init; }

    /// <summary>The section a key belongs to (<c>detect</c> for <c>detect.models</c>), or null for a top-level key.</summary>
    public string? Section => Name.IndexOf('.') is > 0 and var dot ? Name[..dot] : null;

    /// <summary>The key's name inside its section.</summary>
    public string LocalName => Section is { } section ? Name[(section.Length + 1)..] : Name;

    /// <summary>The value as <c>targets show</c> prints it; null or empty when there is nothing to show.</summary>
    public abstract string? Display(TargetProfile profile);

    internal abstract object? Read(ProfileValues values);

    internal abstract JsonNode? ToJson(object? value);

    internal abstract string FingerprintText(object? value);
}

/// <summary>A key whose value is a <typeparamref name="T"/>.</summary>
internal sealed class ProfileKey<T> : ProfileKey
{
    private readonly Func<ProfileValues, YamlValue?, T> _read;
    private readonly Func<T, string?> _display;
    private readonly Func<T, JsonNode?> _json;

    internal ProfileKey(string name, ValueKind kind, bool fingerprinted, Func<ProfileValues, YamlValue?, T> read, Func<T, string?> display, Func<T, JsonNode?> json)
        : base(name, kind, fingerprinted)
    {
        _read = read;
        _display = display;
        _json = json;
    }

    public override string? Display(TargetProfile profile) => _display(profile.Get(this));

    internal override object? Read(ProfileValues values) => _read(values, values.Raw(Name));

    internal override JsonNode? ToJson(object? value) => _json((T)value!);

    // The fingerprint's text format predates this table; "{value}" keeps every existing hash.
    internal override string FingerprintText(object? value) => value is IEnumerable<string> items ? $"{Name}={string.Join(' ', items)}" : $"{Name}={value}";
}

/// <summary>
/// The merged YAML of one profile (its own keys over those it extends) while it is being validated: raw values,
/// keys already read (a later key may depend on an earlier one: goarm on goarch), and where to point errors.
/// </summary>
internal sealed class ProfileValues(IReadOnlyDictionary<string, YamlValue> raw, string profileName, SourceLocation fileStart)
{
    private readonly Dictionary<ProfileKey, object?> _read = [];

    public YamlValue? Raw(string name) => raw.GetValueOrDefault(name);

    public bool HasAnyIn(string section) => raw.Keys.Any(k => k.StartsWith(section + ".", StringComparison.Ordinal));

    public T Get<T>(ProfileKey<T> key) => (T)_read[key]!;

    public IReadOnlyDictionary<ProfileKey, object?> ReadAll(IEnumerable<ProfileKey> keys)
    {
        foreach (var key in keys)
        {
            _read[key] = key.Read(this);
        }

        return _read;
    }

    /// <param name="suffix">Say that the key may also come from a profile this one extends.</param>
    public ConfigurationException Missing(string name, string? detail = null, bool suffix = true) =>
        new($"{fileStart}: missing required key '{name}'{(detail is null ? "" : $" {detail}")}{(suffix ? $" (in profile '{profileName}' or what it extends)" : "")}");
}
