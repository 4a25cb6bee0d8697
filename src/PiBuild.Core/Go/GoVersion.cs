using System.Globalization;
using System.Text.RegularExpressions;

namespace PiBuild.Core.Go;

/// <summary>
/// A Go release as Go names it (<c>go1.19.8</c>, <c>go1.22rc1</c>), comparable by major.minor.patch. Parsing finds
/// it inside longer text too ("go version go1.19.8 linux/amd64"); <see cref="Text"/> is the release name alone.
/// </summary>
public sealed partial record GoVersion(int Major, int Minor, int Patch, string Text) : IComparable<GoVersion>
{
    /// <summary>GOARM's ",softfloat"/",hardfloat" suffix arrived in Go 1.22.</summary>
    public bool AcceptsGoArmFloatSuffix => this >= new GoVersion(1, 22, 0, "go1.22");

    /// <summary>GOARM64 (the ARMv8.x/v9.x level of arm64 code) arrived in Go 1.23.</summary>
    public bool KnowsGoArm64 => this >= new GoVersion(1, 23, 0, "go1.23");

    public static bool TryParse(string text, out GoVersion? version)
    {
        // "devel go1.23-abcdef …" is a toolchain built from a branch: it behaves as that release.
        var match = Pattern().Match(text.Trim());
        version = match.Success
            ? new GoVersion(
                int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture),
                int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture),
                match.Groups[3].Success ? int.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture) : 0,
                match.Value)
            : null;
        return version is not null;
    }

    public static GoVersion Parse(string text) =>
        TryParse(text, out var version) ? version! : throw new FormatException($"not a Go version: '{text}'");

    public int CompareTo(GoVersion? other) =>
        other is null ? 1 : (Major, Minor, Patch).CompareTo((other.Major, other.Minor, other.Patch));

    public static bool operator >=(GoVersion a, GoVersion b) => a.CompareTo(b) >= 0;

    public static bool operator <=(GoVersion a, GoVersion b) => a.CompareTo(b) <= 0;

    public static bool operator >(GoVersion a, GoVersion b) => a.CompareTo(b) > 0;

    public static bool operator <(GoVersion a, GoVersion b) => a.CompareTo(b) < 0;

    public override string ToString() => Text;

    [GeneratedRegex(@"go(\d+)\.(\d+)(?:\.(\d+))?(?:(?:rc|beta)\d+)?")]
    private static partial Regex Pattern();
}
