using System.Globalization;
using System.Text.RegularExpressions;

namespace PiBuild.Core.Go;

/// <summary>
/// A Go version as Go names it: a release (<c>go1.23.5</c>; before Go 1.21 the first release of a line had no
/// patch: <c>go1.20</c>), a prerelease (<c>go1.23rc1</c>), or a language version (<c>1.23</c> in a go.mod, from 1.21
/// on: the family of 1.23 releases). Ordered as Go orders them: 1.23 &lt; 1.23rc1 &lt; 1.23.0 &lt; 1.23.1. Parsing
/// finds it inside longer text too ("go version go1.19.8 linux/amd64"); <see cref="Text"/> is the name alone.
/// </summary>
internal sealed partial record GoVersion(int Major, int Minor, int Patch, string Text) : IComparable<GoVersion>
{
    /// <summary>The first minor whose releases carry a patch number (go1.21.0) and whose bare name is a language version.</summary>
    private const int FirstPatchedMinor = 21;

    /// <summary>"rc" or "beta" with its number, for a prerelease; null otherwise.</summary>
    public (string Kind, int Number)? Prerelease { get; init; }

    /// <summary>A language version (1.23): any 1.23 release implements it.</summary>
    public bool IsLanguage { get; init; }

    /// <summary>GOARM's ",softfloat"/",hardfloat" suffix arrived in Go 1.22.</summary>
    public bool AcceptsGoArmFloatSuffix => this >= Release(1, 22, 0);

    /// <summary>GOARM64 (the ARMv8.x/v9.x level of arm64 code) arrived in Go 1.23.</summary>
    public bool KnowsGoArm64 => this >= Release(1, 23, 0);

    /// <summary>The language version this belongs to (1.23 for go1.23.5).</summary>
    public GoVersion Language => this with { Patch = 0, Prerelease = null, IsLanguage = Minor >= FirstPatchedMinor, Text = $"go{Major}.{Minor}" };

    public static GoVersion Release(int major, int minor, int patch) =>
        new(major, minor, patch, minor < FirstPatchedMinor && patch == 0 ? $"go{major}.{minor}" : $"go{major}.{minor}.{patch}");

    public static bool TryParse(string text, out GoVersion? version)
    {
        // "devel go1.23-abcdef …" is a toolchain built from a branch: it behaves as that release.
        var match = Pattern().Match(text.Trim());
        version = null;
        if (!match.Success)
        {
            return false;
        }

        int Number(Group group) => int.Parse(group.Value, CultureInfo.InvariantCulture);
        var (major, minor) = (Number(match.Groups[1]), Number(match.Groups[2]));
        var patch = match.Groups[3].Success ? Number(match.Groups[3]) : 0;
        var prerelease = match.Groups[4].Success ? (match.Groups[4].Value, Number(match.Groups[5])) : ((string, int)?)null;
        version = new GoVersion(major, minor, patch, match.Value)
        {
            Prerelease = prerelease,
            IsLanguage = !match.Groups[3].Success && prerelease is null && minor >= FirstPatchedMinor,
        };
        return true;
    }

    public static GoVersion Parse(string text) =>
        TryParse(text, out var version) ? version! : throw new FormatException($"not a Go version: '{text}'");

    /// <summary>True when a toolchain of this version may build code that asks for <paramref name="required"/> (a go.mod's go line).</summary>
    public bool Satisfies(GoVersion required) => CompareTo(required) >= 0;

    public int CompareTo(GoVersion? other) =>
        other is null ? 1 : Key(this).CompareTo(Key(other));

    public static bool operator >=(GoVersion a, GoVersion b) => a.CompareTo(b) >= 0;

    public static bool operator <=(GoVersion a, GoVersion b) => a.CompareTo(b) <= 0;

    public static bool operator >(GoVersion a, GoVersion b) => a.CompareTo(b) > 0;

    public static bool operator <(GoVersion a, GoVersion b) => a.CompareTo(b) < 0;

    public override string ToString() => Text;

    // Within a line: the language version, then betas, then release candidates, then releases by patch.
    private static (int, int, int, int) Key(GoVersion v) => (v.Major, v.Minor,
        v.IsLanguage ? 0 : v.Prerelease is { Kind: "beta" } ? 1 : v.Prerelease is not null ? 2 : 3,
        v.Prerelease?.Number ?? v.Patch);

    [GeneratedRegex(@"go(\d+)\.(\d+)(?:\.(\d+))?(?:(rc|beta)(\d+))?")]
    private static partial Regex Pattern();

    /// <summary>The newest stable release <paramref name="index"/> lists, by version order; null when it lists none.</summary>
    internal static GoVersion? NewestStableIn(Fetching.GoDownloadIndex index) =>
        index.Files.Where(f => f.Stable && TryParse(f.Version, out _)).Select(f => Parse(f.Version)).Max();
}
