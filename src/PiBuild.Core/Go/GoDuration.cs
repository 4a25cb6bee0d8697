using System.Globalization;
using System.Text.RegularExpressions;

namespace PiBuild.Core.Go;

/// <summary>Go's duration syntax (<c>1m30s</c>, <c>500ms</c>), for reading and scaling <c>go test -timeout</c>.</summary>
internal static partial class GoDuration
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (text == "0")
        {
            return true;
        }

        var matches = Part().Matches(text);
        if (matches.Count == 0 || string.Concat(matches.Select(m => m.Value)) != text)
        {
            return false;
        }

        foreach (Match match in matches)
        {
            var number = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            value += match.Groups[2].Value switch
            {
                "h" => TimeSpan.FromHours(number),
                "m" => TimeSpan.FromMinutes(number),
                "s" => TimeSpan.FromSeconds(number),
                "ms" => TimeSpan.FromMilliseconds(number),
                "us" or "µs" => TimeSpan.FromMicroseconds(number),
                _ => TimeSpan.FromTicks((long)(number / 100)),
            };
        }

        return true;
    }

    public static string Format(TimeSpan value) =>
        value.Ticks % TimeSpan.TicksPerMinute == 0 ? $"{(long)value.TotalMinutes}m"
        : value.Ticks % TimeSpan.TicksPerSecond == 0 ? $"{(long)value.TotalSeconds}s"
        : $"{(long)value.TotalMilliseconds}ms";

    [GeneratedRegex(@"(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)")]
    private static partial Regex Part();
}
