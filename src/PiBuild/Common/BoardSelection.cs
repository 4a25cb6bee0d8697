using PiBuild.Core;
using PiBuild.Core.Targets;

namespace PiBuild.Cli.Common;

/// <summary>The board a device-side command works for: the one named, else the one pibuild runs on.</summary>
internal static class BoardSelection
{
    /// <summary>Where /proc is read from; specs point it at fake files.</summary>
    internal const string HostRootVariable = "PIBUILD_HOST_ROOT";

    public static TargetProfile Resolve(CliContext context, ProfileCatalog catalog, string? named)
    {
        if (named is not null)
        {
            return catalog.Get(named);
        }

        var root = context.GetVariable(HostRootVariable) is { Length: > 0 } fake ? fake : "/";
        var board = new BoardDetector(root).Detect(catalog.All);
        if (board.Profile is { } profile)
        {
            return profile;
        }

        var seen = board.Model ?? (board.CpuPart is null ? "no /proc/device-tree/model" : $"CPU part {board.CpuPart}");
        throw new ConfigurationException(
            $"this machine is not a known Raspberry Pi ({seen}); on a laptop use 'pibuild cross --target pi2', or name the board with --target");
    }
}
