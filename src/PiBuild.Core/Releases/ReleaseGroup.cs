using PiBuild.Core.Targets;

namespace PiBuild.Core.Releases;

/// <summary>
/// Boards whose builds are the same: go sees the same GOOS, GOARCH, level and cgo settings for each (a Pi 0 and a
/// Pi 1; a Pi 3 and a Pi 4, or a Pi 4 and a Pi 5 with a Go that does not know GOARM64). They share one archive.
/// </summary>
internal sealed record ReleaseGroup(IReadOnlyList<TargetProfile> Boards, string FileName)
{
    /// <summary>The board whose profile the group's build uses (the first by name).</summary>
    public TargetProfile Builder => Boards[0];

    /// <summary>
    /// The groups (boards whose builds are the same, <see cref="Builds.BuildSession.Groups"/>), each with its archive
    /// name: <c>{arch}</c> is the level's archive token (<c>armv6</c>, <c>armv7</c>, <c>arm64</c>, <c>arm64v8.2</c>);
    /// where two groups would share one (boards that differ in cgo, say), it is the groups' board names instead, so no
    /// archive overwrites another.
    /// </summary>
    public static IReadOnlyList<ReleaseGroup> Of(IReadOnlyList<IReadOnlyList<TargetProfile>> groups, bool toolchainKnowsGoArm64, string template, string project, string version)
    {
        var tokens = groups.Select(g => g[0].Level.ArchiveToken(toolchainKnowsGoArm64)).ToArray();
        return groups.Select((boards, i) =>
        {
            var names = string.Join("-", boards.Select(b => b.Name));
            var arch = tokens.Count(t => t == tokens[i]) > 1 ? names : tokens[i];
            var file = template
                .Replace("{project}", project, StringComparison.Ordinal)
                .Replace("{version}", version, StringComparison.Ordinal)
                .Replace("{os}", boards[0].GoOs, StringComparison.Ordinal)
                .Replace("{arch}", arch, StringComparison.Ordinal)
                .Replace("{target}", names, StringComparison.Ordinal) + ".tar.gz";
            return new ReleaseGroup(boards, file);
        }).ToArray();
    }
}
