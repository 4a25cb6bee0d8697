using PiBuild.Core.Builds;
using PiBuild.Core.FileSystem;
using PiBuild.Core.Releases;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Pipelines;

/// <summary>What <c>pibuild cross</c> was asked for; no targets means pibuild.yaml's.</summary>
/// <param name="Cgo">Build with cgo and the boards' C cross compilers (--cgo), whatever the profiles say.</param>
/// <param name="Sysroots">The boards' headers and libraries for cgo (--sysroot [BOARD=]DIR); none: pibuild.yaml's, else the cross toolchain's own.</param>
/// <param name="GoFlags">go build's flags (-tags=…, -ldflags=…, and what followed --), then more packages.</param>
public sealed record CrossRequest(IReadOnlyList<string> Targets, IReadOnlyList<string> Packages, string? OutputDirectory, bool Cgo = false, IReadOnlyList<string>? Sysroots = null, IReadOnlyList<string>? GoFlags = null);

/// <summary>What a build made: each board's verified binaries, in place, and the Go release that built them.</summary>
public sealed record BuildReport(string ProjectRoot, string GoVersion, IReadOnlyList<VerifyReport> Targets);

/// <summary><c>pibuild cross</c>: every command of the project for each board, each binary verified before it is moved into place.</summary>
internal static class CrossPipeline
{
    public static async Task<BuildReport> RunAsync(Workspace workspace, CrossRequest request, CancellationToken cancellationToken)
    {
        var config = request.Targets.Count > 0 ? null : workspace.Config();
        config?.CheckTargets(workspace.Catalog());
        var configured = config?.Targets ?? [];
        var targets = TargetSelection.Many(workspace.Catalog(), request.Targets, configured, "cross");
        var session = await BuildSession.OpenAsync(workspace, targets, workspace.CgoOptions(request.Cgo, request.Sysroots), request.GoFlags, cancellationToken).ConfigureAwait(false);
        return await BuildAsync(workspace, session, [.. request.Packages, .. session.MorePackages], request.OutputDirectory, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The build every building command shares (<see cref="CrossBuild.BuildAndVerifyAsync"/>), into bin/ or -o, with {version} and {commit} filled in.</summary>
    internal static async Task<BuildReport> BuildAsync(Workspace workspace, BuildSession session, IReadOnlyList<string> packages, string? outputDirectory, CancellationToken cancellationToken)
    {
        if (outputDirectory is not null && PosixFiles.KindOf(outputDirectory) is { } kind && kind != FileKind.Directory)
        {
            throw new ConfigurationException($"-o {outputDirectory} is {RegularFile.Describe(kind)}, not a directory; name a directory for the binaries");
        }

        // {version} and {commit} in linker flags are read from git only when asked for.
        var source = session.Flags.NeedsSource
            ? await ReleaseVersion.DevelopmentAsync(session.Project.Root, workspace.GetVariable, workspace.Runner, cancellationToken).ConfigureAwait(false)
            : null;
        var flags = session.Flags.Arguments(source?.Version ?? "", source?.Commit ?? "");
        var request = new CrossBuildRequest(packages, outputDirectory is null ? null : Path.GetFullPath(outputDirectory), workspace.Verbose, flags);
        var (_, results) = await CrossBuild.BuildAndVerifyAsync(session, request, null, workspace.Runner, workspace.Events, workspace.Verbose, cancellationToken).ConfigureAwait(false);
        return new BuildReport(session.Project.Root, session.Toolchain.Version.Text, results.Select(r => new VerifyReport(r.Target, r.Binaries)).ToArray());
    }
}
