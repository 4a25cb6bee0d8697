using PiBuild.Core.Go;
using PiBuild.Core.Processes;
using PiBuild.Core.Projects;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Builds;

/// <summary>What the user asked to build: which boards, which packages, where to put the binaries.</summary>
/// <param name="BuildFlags">More flags for go build (a release's -trimpath and -ldflags).</param>
public sealed record CrossBuildRequest(
    IReadOnlyList<TargetProfile> Targets,
    IReadOnlyList<string> Packages,
    string? OutputRoot,
    bool StreamToolOutput,
    IReadOnlyList<string>? BuildFlags = null);

/// <summary>One target's build: one <c>go build</c> for every command, into a staging directory beside the output.</summary>
public sealed record TargetBuild(TargetProfile Target, string OutputDirectory, string StagingDirectory, IReadOnlyList<string> Packages, ProcessSpec GoBuild);

/// <summary>Everything a cross build will do, decided before anything runs.</summary>
public sealed record CrossBuildPlan(GoProject Project, GoToolchain Toolchain, IReadOnlyList<TargetBuild> Builds);

public static class CrossBuildPlanner
{
    /// <param name="runId">Makes staging directories unique, so two pibuild processes never share one.</param>
    public static CrossBuildPlan Plan(CrossBuildRequest request, GoProject project, GoToolchain toolchain, PiBuildPaths paths, string runId)
    {
        if (request.Targets.Count == 0)
        {
            throw new ConfigurationException("no target given; name one with --target (see: pibuild targets)");
        }

        var outputRoot = Path.GetFullPath(request.OutputRoot ?? Path.Combine(project.Root, "bin"));
        var packages = request.Packages.Count > 0 ? request.Packages : ["./..."];
        var builds = request.Targets.Select(target =>
        {
            CheckToolchainSupports(target, toolchain);
            var staging = Path.Combine(outputRoot, $".pibuild-staging-{target.Name}-{runId}");
            var cache = paths.GoBuildCache(target.Platform, toolchain.Version.Text);
            string[] args =
            [
                "build",
                "-o", staging + Path.DirectorySeparatorChar,
                .. request.StreamToolOutput ? ["-v"] : Array.Empty<string>(),
                .. request.BuildFlags ?? [],
                .. packages,
            ];
            var spec = new ProcessSpec(toolchain.GoExecutable, args, project.BuildDirectory, GoBuildEnvironment.For(target, project, cache));
            return new TargetBuild(target, Path.Combine(outputRoot, target.Name), staging, packages, spec);
        }).ToArray();

        return new CrossBuildPlan(project, toolchain, builds);
    }

    private static void CheckToolchainSupports(TargetProfile target, GoToolchain toolchain)
    {
        if (target.GoArm is { HasFloatSuffix: true } goarm && !toolchain.Version.AcceptsGoArmFloatSuffix)
        {
            throw new ConfigurationException(
                $"target '{target.Name}' sets GOARM={goarm}, which needs Go 1.22 or later, but {toolchain.GoExecutable} is {toolchain.Version}; " +
                $"install a newer Go (--go PATH) or drop the float suffix in {target.Origin.File}");
        }
    }
}
