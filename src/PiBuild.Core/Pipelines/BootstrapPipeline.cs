using PiBuild.Core.Bootstrap;
using PiBuild.Core.Fetching;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Pipelines;

/// <summary>
/// <c>pibuild bootstrap</c>: first the plan (versions, downloads and their checksums, prefix, limits), which the
/// CLI shows or renders as a POSIX sh script; then the run: preflight, fetch, make.bash, verify, clean up.
/// </summary>
internal static class BootstrapPipeline
{
    public static async Task<BootstrapPlan> PlanAsync(Workspace workspace, BootstrapRequest request, CancellationToken cancellationToken)
    {
        var target = TargetSelection.ThisBoard(workspace.Catalog(), request.Targets, workspace.HostRoot, "bootstrap");
        var home = workspace.GetVariable("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        using var fetcher = Fetcher.For(workspace.Paths, workspace.GetVariable);
        return await BootstrapPlanner.PlanAsync(request, target, request.Prefix ?? Path.Combine(home, "go"), url => fetcher.ReadIndexAsync(url, cancellationToken)).ConfigureAwait(false);
    }

    public static async Task<BootstrapResult> RunAsync(Workspace workspace, BootstrapPlan plan, CancellationToken cancellationToken)
    {
        var facts = await HostFacts.ReadAsync(plan.Prefix, workspace.Runner, workspace.GetVariable, cancellationToken).ConfigureAwait(false);
        foreach (var warning in BootstrapPreflight.Check(plan, facts))
        {
            workspace.Events.Warning(warning);
        }

        using var fetcher = Fetcher.For(workspace.Paths, workspace.GetVariable);
        return await new BootstrapRun(workspace.Runner, fetcher, workspace.Paths, workspace.GetVariable).RunAsync(plan, workspace.Events.Step, cancellationToken).ConfigureAwait(false);
    }
}
