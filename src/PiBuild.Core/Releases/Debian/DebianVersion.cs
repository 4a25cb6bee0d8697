using System.Text.RegularExpressions;

namespace PiBuild.Core.Releases.Debian;

/// <summary>A release version as a Debian package version: what follows the first '-' sorts before the release.</summary>
internal static partial class DebianVersion
{
    /// <summary>
    /// <c>1.2.3</c> stays; <c>1.2.3-SNAPSHOT-0a1b2c3d4e5f</c> becomes <c>1.2.3~SNAPSHOT-0a1b2c3d4e5f</c> and
    /// <c>1.2.3-rc1</c> becomes <c>1.2.3~rc1</c>: '~' sorts before everything, so a snapshot or a pre-release is
    /// older than the release it leads to, as SemVer says.
    /// </summary>
    public static string From(string releaseVersion)
    {
        var version = releaseVersion.TrimStart('v');
        var dash = version.IndexOf('-', StringComparison.Ordinal);
        if (dash >= 0)
        {
            version = string.Concat(version.AsSpan(0, dash), "~", version.AsSpan(dash + 1));
        }

        return Valid().IsMatch(version)
            ? version
            : throw new ConfigurationException(
                $"version '{releaseVersion}' cannot be a Debian package version (it must start with a digit and hold only letters, digits and . + ~ -); pass --version 1.2.3");
    }

    [GeneratedRegex(@"^[0-9][A-Za-z0-9.+~]*(-[A-Za-z0-9.+~]+)?$")]
    private static partial Regex Valid();
}
