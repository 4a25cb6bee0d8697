using PiBuild.Core.Builds;
using PiBuild.Core.Projects;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Releases.Debian;

/// <summary>
/// One .deb of a release: its Debian architecture, the release group whose binaries it holds, and every selected
/// board it is for (each is checked against those binaries).
/// </summary>
internal sealed record DebianPackagePlan(string Package, string Version, string Architecture, string FileName, ReleaseGroup From, IReadOnlyList<TargetProfile> Boards)
{
    /// <summary>
    /// The packages for the selected groups, the Raspberry Pi OS way: its 32-bit userland is <c>armhf</c> on every
    /// Pi and runs ARMv6 code on a Pi 1, so the armhf package is built from the lowest 32-bit level selected (GOARM=6
    /// when pi0 or pi1 is among them) and installs on all of them; 64-bit boards get <c>arm64</c>, from the lowest
    /// ARMv8 level selected.
    /// </summary>
    public static IReadOnlyList<DebianPackagePlan> For(IReadOnlyList<ReleaseGroup> groups, DebPackageConfig config, string project, string releaseVersion)
    {
        var package = config.Package ?? DebPackageConfig.PackageNameFor(project);
        var version = DebianVersion.From(releaseVersion);
        return BuildFor.LowestPerOutput(groups, g => g.Boards, ArchitectureOf)
            .OrderBy(a => a.Output, StringComparer.Ordinal)
            .Select(a => new DebianPackagePlan(package, version, a.Output, $"{package}_{version}_{a.Output}.deb", a.Lowest, a.Boards))
            .ToArray();
    }

    private static string ArchitectureOf(TargetProfile board) => BoardAbi.Of(board)?.DebianArchitecture
        ?? throw new ConfigurationException($"{board.Name} is {board.GoOs}/{board.GoArch}: Debian packages are made for linux/arm (armhf) and linux/arm64 boards");
}
