using System.Globalization;
using System.Text.RegularExpressions;

namespace PiBuild.Core.Targets;

/// <summary>
/// A GOARM64 value (Go 1.23+): the ARMv8/ARMv9 level a 64-bit build may use, e.g. <c>v8.0</c> for a Cortex-A53 or
/// A72, <c>v8.2</c> for a Cortex-A76, optionally with <c>,lse</c> and <c>,crypto</c>.
/// </summary>
internal readonly partial record struct GoArm64(int Major, int Minor, bool Lse, bool Crypto) : IComparable<GoArm64>
{
    /// <summary>Go's default when GOARM64 is not set.</summary>
    public static GoArm64 Default { get; } = new(8, 0, false, false);

    public static bool TryParse(string text, out GoArm64 value)
    {
        value = default;
        var match = Pattern().Match(text.Trim());
        if (!match.Success)
        {
            return false;
        }

        var major = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var minor = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        if (major == 9 && minor > 5)
        {
            return false;
        }

        var options = match.Groups[3].Captures.Select(c => c.Value).ToArray();
        if (options.Distinct().Count() != options.Length)
        {
            return false;
        }

        value = new GoArm64(major, minor, options.Contains("lse"), options.Contains("crypto"));
        return true;
    }

    /// <summary>Orders by architecture level; a binary of a higher level may use instructions a lower board lacks.</summary>
    public int CompareTo(GoArm64 other) => (Major, Minor).CompareTo((other.Major, other.Minor));

    public override string ToString() =>
        $"v{Major}.{Minor}{(Lse ? ",lse" : "")}{(Crypto ? ",crypto" : "")}";

    [GeneratedRegex(@"^v([89])\.([0-9])(?:,(lse|crypto))*$")]
    private static partial Regex Pattern();
}
