using PiBuild.Core.Builds;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Pipelines;

/// <summary>What <c>pibuild build</c> was asked for; no target means the board pibuild runs on.</summary>
/// <param name="Cgo">Build with cgo (--cgo), with the board's own C compiler.</param>
/// <param name="GoFlags">go build's flags (-tags=…, -ldflags=…, and what followed --), then more packages.</param>
public sealed record BuildRequest(IReadOnlyList<string> Targets, IReadOnlyList<string> Packages, string? OutputDirectory, bool Cgo = false, IReadOnlyList<string>? GoFlags = null);

/// <summary><c>pibuild build</c> on the device: the same build, cache and verification as cross, for this board.</summary>
internal static class BuildPipeline
{
    public static async Task<BuildReport> RunAsync(Workspace workspace, BuildRequest request, CancellationToken cancellationToken)
    {
        var target = TargetSelection.ThisBoard(workspace.Catalog(), request.Targets, workspace.HostRoot, "build");
        var session = await BuildSession.OpenAsync(workspace, [target], workspace.CgoOptions(request.Cgo, []), request.GoFlags, cancellationToken).ConfigureAwait(false);
        return await CrossPipeline.BuildAsync(workspace, session, [.. request.Packages, .. session.MorePackages], request.OutputDirectory, cancellationToken).ConfigureAwait(false);
    }
}
