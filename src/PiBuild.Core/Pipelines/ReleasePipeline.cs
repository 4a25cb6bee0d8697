using PiBuild.Core.Builds;
using PiBuild.Core.Releases;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Pipelines;

/// <summary>What <c>pibuild release merge</c> was asked for: the shards' output directories and where the release goes.</summary>
public sealed record ReleaseMergeRequest(IReadOnlyList<string> ShardDirectories, string OutputDirectory, bool Clean);

/// <summary><c>pibuild release</c> (reproducible archives, SHA256SUMS, manifest) and <c>release merge</c> (the shards of a CI matrix joined).</summary>
internal static class ReleasePipeline
{
    public static async Task<ReleaseManifest> RunAsync(Workspace workspace, ReleaseRequest request, CancellationToken cancellationToken)
    {
        var config = workspace.Config();
        config.CheckTargets(workspace.Catalog());
        var targets = TargetSelection.Many(workspace.Catalog(), request.Targets, config.Targets, "release");
        var session = await BuildSession.OpenAsync(workspace, targets, workspace.CgoOptions(request.Cgo, request.Sysroots), request.GoFlags, cancellationToken,
            refusePackage: p => $"release builds pibuild.yaml's commands (or every main package), not '{p}'; list packages under 'commands:'", release: true).ConfigureAwait(false);
        var plan = await ReleasePlanner.PlanAsync(session, request, config, workspace.GetVariable, workspace.Runner, workspace.Verbose, cancellationToken).ConfigureAwait(false);
        return await new ReleaseBuild(workspace.Runner, workspace.Events, workspace.Verbose).RunAsync(session, plan, config.Deb, cancellationToken).ConfigureAwait(false);
    }

    public static Task<ReleaseManifest> MergeAsync(ReleaseMergeRequest request, CancellationToken cancellationToken) =>
        ReleaseMerge.MergeAsync(request.ShardDirectories, request.OutputDirectory, request.Clean, cancellationToken);
}
