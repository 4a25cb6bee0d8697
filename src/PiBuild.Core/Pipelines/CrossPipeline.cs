using PiBuild.Core.Builds;
using PiBuild.Core.Go;
using PiBuild.Core.Projects;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Pipelines;

/// <summary>What <c>pibuild cross</c> was asked for; no targets means pibuild.yaml's.</summary>
/// <param name="Cgo">Build with cgo and the boards' C cross compilers (--cgo), whatever the profiles say.</param>
/// <param name="Sysroots">The boards' headers and libraries for cgo (--sysroot [BOARD=]DIR); none: pibuild.yaml's, else the cross toolchain's own.</param>
public sealed record CrossRequest(IReadOnlyList<string> Targets, IReadOnlyList<string> Packages, string? OutputDirectory, bool Cgo = false, IReadOnlyList<string>? Sysroots = null);

/// <summary>What a build made: each board's verified binaries, in place.</summary>
public sealed record BuildReport(GoProject Project, GoToolchain Toolchain, IReadOnlyList<TargetBuildResult> Targets);

/// <summary><c>pibuild cross</c>: every command of the project for each board, each binary verified before it is moved into place.</summary>
public static class CrossPipeline
{
    public static Task<BuildReport> RunAsync(Workspace workspace, CrossRequest request, CancellationToken cancellationToken)
    {
        var config = request.Targets.Count > 0 ? null : workspace.Config();
        config?.CheckTargets(workspace.Catalog());
        var configured = config?.Targets ?? [];
        var targets = TargetSelection.Many(workspace.Catalog(), request.Targets, configured, "cross");
        var cgo = workspace.CgoOptions(request.Cgo, request.Sysroots);
        return BuildAsync(workspace, targets.Select(cgo.Apply).ToArray(), request.Packages, request.OutputDirectory, cgo, cancellationToken);
    }

    /// <summary>The build every building command shares: plan, show the plan (verbose), build, verify, move into place.</summary>
    internal static async Task<BuildReport> BuildAsync(Workspace workspace, IReadOnlyList<TargetProfile> targets, IReadOnlyList<string> packages, string? outputDirectory, CgoOptions cgo, CancellationToken cancellationToken)
    {
        // A missing C compiler or sysroot is said before Go is resolved or anything is built.
        cgo.Check(targets, workspace.Paths, workspace.GetVariable);

        var project = workspace.Project();
        var toolchain = await workspace.ToolchainAsync(cancellationToken).ConfigureAwait(false);
        var request = new CrossBuildRequest(targets, packages, outputDirectory is null ? null : Path.GetFullPath(outputDirectory), workspace.Verbose, Cgo: cgo);
        var plan = CrossBuildPlanner.Plan(request, project, toolchain, workspace.Paths);
        foreach (var build in plan.Builds)
        {
            workspace.Announce(build.Target.Name, build.GoBuild);
        }

        var results = await new CrossBuild(workspace.Runner).RunAsync(plan, workspace.Events, workspace.Verbose, cancellationToken).ConfigureAwait(false);
        return new BuildReport(project, toolchain, results);
    }
}
