using PiBuild.Core.FileSystem;
using PiBuild.Core.Go;
using PiBuild.Core.Processes;
using PiBuild.Core.Projects;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Builds;

/// <summary>What to build: which boards, which packages, where the binaries go.</summary>
/// <param name="BuildFlags">More flags for go build (a release's -trimpath and -ldflags).</param>
/// <param name="Cgo">Where each cgo board's sysroot is.</param>
internal sealed record CrossBuildRequest(
    IReadOnlyList<TargetProfile> Targets,
    IReadOnlyList<string> Packages,
    string? OutputRoot,
    bool StreamToolOutput,
    IReadOnlyList<string>? BuildFlags = null,
    CgoOptions? Cgo = null);

/// <summary>One target's build: one <c>go build</c> for every command, into a staging directory beside the output.</summary>
/// <param name="ListDependencies">On the board's first build (its cache is empty): <c>go list -deps</c>, to show how far it is.</param>
/// <param name="Cgo">The C toolchain of a cgo build; null when cgo is off.</param>
internal sealed record TargetBuild(TargetProfile Target, string OutputDirectory, string StagingDirectory, IReadOnlyList<string> Packages, ProcessSpec GoBuild, ProcessSpec? ListDependencies, CgoToolchain? Cgo = null);

/// <summary>Everything a cross build will do, decided before anything runs.</summary>
internal sealed record CrossBuildPlan(GoProject Project, GoToolchain Toolchain, IReadOnlyList<TargetBuild> Builds);

internal static class CrossBuildPlanner
{
    public static CrossBuildPlan Plan(CrossBuildRequest request, GoProject project, GoToolchain toolchain, PiBuildPaths paths)
    {
        var outputRoot = Path.GetFullPath(request.OutputRoot ?? Path.Combine(project.Root, "bin"));
        var packages = request.Packages.Count > 0 ? request.Packages : ["./..."];
        var builds = request.Targets.Select(target =>
        {
            CheckToolchainSupports(target, toolchain);
            var output = Path.Combine(outputRoot, target.Name);
            var staging = StagingDirectory.PathBeside(output);
            var cache = paths.GoBuildCache(target.Platform, toolchain.Version.Text);
            var firstBuild = !Directory.Exists(cache) || !Directory.EnumerateFileSystemEntries(cache).Any();
            string[] args =
            [
                "build",
                "-o", staging + Path.DirectorySeparatorChar,

                // go build -v names each package as it compiles it: the verbose output, and the first build's progress.
                .. request.StreamToolOutput || firstBuild ? ["-v"] : Array.Empty<string>(),
                .. request.BuildFlags ?? [],
                .. packages,
            ];
            var cgo = target.Cgo ? CgoToolchain.For(target, request.Cgo?.SysrootFor(target), paths) : null;
            var env = GoEnvironment.Clean().ForTarget(target, toolchain.Version).ForProject(project).WithCache(cache)
                .With(cgo?.Environment() ?? new Dictionary<string, string?>()).Variables;
            var list = firstBuild ? new ProcessSpec(toolchain.GoExecutable, ["list", "-deps", "-f", "{{.ImportPath}}", .. packages], project.BuildDirectory, env) : null;
            return new TargetBuild(target, output, staging, packages, new ProcessSpec(toolchain.GoExecutable, args, project.BuildDirectory, env), list, cgo);
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
