using PiBuild.Core.FileSystem;
using PiBuild.Core.Go;
using PiBuild.Core.Processes;
using PiBuild.Core.Projects;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Builds;

/// <summary>What to build: which packages, where the binaries go, and how.</summary>
/// <param name="OutputRoot">Where each board's directory of binaries goes; null: the project's <c>bin/</c>.</param>
/// <param name="BuildFlags">More flags for go build (a release's -trimpath and -ldflags).</param>
internal sealed record CrossBuildRequest(IReadOnlyList<string> Packages, string? OutputRoot, bool StreamToolOutput, IReadOnlyList<string>? BuildFlags = null);

/// <summary>
/// One <c>go build</c> for every command, shared by boards whose builds are the same: made for the first of
/// <paramref name="Boards"/> into a staging directory beside its output, then verified for each board and placed in
/// each board's own directory.
/// </summary>
/// <param name="ListDependencies">On the first build of its level (its cache is empty): <c>go list -deps</c>, to show how far it is.</param>
/// <param name="Cgo">The C toolchain of a cgo build; null when cgo is off.</param>
internal sealed record TargetBuild(IReadOnlyList<TargetProfile> Boards, string OutputRoot, string StagingDirectory, IReadOnlyList<string> Packages, ProcessSpec GoBuild, ProcessSpec? ListDependencies, CgoToolchain? Cgo = null)
{
    /// <summary>The board whose profile the build uses.</summary>
    public TargetProfile Target => Boards[0];

    public string OutputDirectory => OutputDirectoryOf(Target);

    /// <summary>"pi2" or "pi2, pi3-32": the boards in messages.</summary>
    public string BoardNames => string.Join(", ", Boards.Select(b => b.Name));

    public string OutputDirectoryOf(TargetProfile board) => Path.Combine(OutputRoot, board.Name);
}

/// <summary>Everything a cross build will do, decided before anything runs.</summary>
/// <param name="Targets">Every board, in the order asked; each is in exactly one build.</param>
internal sealed record CrossBuildPlan(GoProject Project, GoToolchain Toolchain, IReadOnlyList<TargetProfile> Targets, IReadOnlyList<TargetBuild> Builds);

internal static class CrossBuildPlanner
{
    /// <param name="targets">The boards to build for: the session's by default.</param>
    public static CrossBuildPlan Plan(BuildSession session, CrossBuildRequest request, IReadOnlyList<TargetProfile>? targets = null)
    {
        var project = session.Project;
        var toolchain = session.Toolchain;
        var boards = targets ?? session.Targets;
        var outputRoot = Path.GetFullPath(request.OutputRoot ?? Path.Combine(project.Root, "bin"));
        var packages = request.Packages.Count > 0 ? request.Packages : ["./..."];
        var builds = session.Groups(boards).Select(group =>
        {
            var target = group[0];
            CheckToolchainSupports(target, toolchain);
            var staging = StagingDirectory.PathBeside(Path.Combine(outputRoot, target.Name));
            var cache = session.GoCache(target);
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
            var env = session.Environment(target).Variables;
            var list = firstBuild ? new ProcessSpec(toolchain.GoExecutable, ["list", "-deps", "-f", "{{.ImportPath}}", .. packages], project.BuildDirectory, env) : null;
            return new TargetBuild(group, outputRoot, staging, packages, new ProcessSpec(toolchain.GoExecutable, args, project.BuildDirectory, env), list, session.CToolchain(target));
        }).ToArray();

        return new CrossBuildPlan(project, toolchain, boards, builds);
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
