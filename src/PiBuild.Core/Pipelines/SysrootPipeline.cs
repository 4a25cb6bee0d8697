using PiBuild.Core.Devices;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Pipelines;

/// <summary>What <c>pibuild sysroot</c> was asked for: the device, and the local directory to fill.</summary>
public sealed record SysrootRequest(string? On, string Output);

/// <summary>The copy into <paramref name="Directory"/>, and the board the device said it is (a sysroot is that board's).</summary>
public sealed record SysrootOutcome(string Device, DetectedBoard Board, string Directory, int FilesCopied, long BytesCopied, int Links, int Removed, int Unchanged);

/// <summary><c>pibuild sysroot --on host -o DIR</c>: the device's headers and libraries, for cgo builds that link against them.</summary>
internal static class SysrootPipeline
{
    public static async Task<SysrootOutcome> RunAsync(Workspace workspace, SysrootRequest request, CancellationToken cancellationToken)
    {
        var asked = await DeviceFleet.OneAsync(workspace, request.On, [], null, "sysroot", cancellationToken, anyBoard: true).ConfigureAwait(false);
        var copy = await SysrootCopy.CopyAsync(asked.Device!, request.Output, cancellationToken).ConfigureAwait(false);
        return new SysrootOutcome(asked.Member.Address.ToString(), asked.Device!.Board, copy.Directory, copy.FilesCopied, copy.BytesCopied, copy.Links, copy.Removed, copy.Unchanged);
    }
}
