using PiBuild.Core.Go;

namespace PiBuild.Core.Bootstrap;

/// <summary>The oldest Go that can build a given Go from source (Go's own published minimums).</summary>
internal static class BootstrapVersions
{
    public static GoVersion MinimumFor(GoVersion version)
    {
        if (version.Major != 1 || version.Minor < 5)
        {
            throw new ConfigurationException($"pibuild bootstraps Go 1.5 and later, not {version}");
        }

        return version.Minor switch
        {
            <= 19 => GoVersion.Parse("go1.4"),
            <= 21 => GoVersion.Parse("go1.17.13"),

            // From Go 1.22 on: the .6 release of the even minor version at least two below.
            _ => GoVersion.Parse($"go1.{version.Minor - 2 - (version.Minor % 2)}.6"),
        };
    }

    /// <summary>Accepts "1.22.6" as well as Go's own "go1.22.6".</summary>
    public static GoVersion ParseRequested(string text)
    {
        var normalized = text.StartsWith("go", StringComparison.Ordinal) ? text : "go" + text;
        return GoVersion.TryParse(normalized, out var version) && version!.Text == normalized
            ? version
            : throw new ConfigurationException($"'{text}' is not a Go version (e.g. 1.22.6)");
    }
}
