using PiBuild.Core.Builds;
using PiBuild.Core.Go;
using PiBuild.Core.Layout;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Pipelines;

/// <summary>What <c>pibuild layout</c> was asked for; no targets means pibuild.yaml's, else every known board.</summary>
public sealed record LayoutRequest(IReadOnlyList<string> Targets, IReadOnlyList<string> Packages);

/// <summary>
/// <c>pibuild layout</c>: the project's struct layouts and 64-bit atomics on each selected board, found by
/// type-checking with the project's toolchain, before anything runs.
/// </summary>
internal static class LayoutPipeline
{
    public static async Task<LayoutReport> RunAsync(Workspace workspace, LayoutRequest request, CancellationToken cancellationToken)
    {
        var catalog = workspace.Catalog();
        var config = request.Targets.Count > 0 ? null : workspace.Config();
        config?.CheckTargets(catalog);
        var named = request.Targets.Count > 0 ? request.Targets : config?.Targets ?? [];

        // A static check costs the same for one board as for all: without a choice, every board is checked.
        var targets = named.Count > 0 ? TargetSelection.Many(catalog, named, [], "layout") : catalog.All;
        var session = await BuildSession.OpenAsync(workspace, targets, CgoOptions.None, [], cancellationToken).ConfigureAwait(false);
        var plan = LayoutPlanner.Plan(session.Targets, request.Packages, session.Project, session.Toolchain, session.Paths);
        workspace.Announce("layout", plan.Analyze);
        return await new LayoutRun(workspace.Runner).RunAsync(plan, cancellationToken).ConfigureAwait(false);
    }
}
