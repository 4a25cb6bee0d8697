using PiBuild.Core.Bootstrap;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Pipelines;

/// <summary>What <c>pibuild pack-bootstrap</c> was asked for: one board, a Go source tree (default: the GOROOT of the go in use) and where the archive goes.</summary>
public sealed record PackBootstrapRequest(IReadOnlyList<string> Targets, string? GoSource, string? OutputDirectory);

/// <summary><c>pibuild pack-bootstrap</c>: a board's bootstrap toolchain, made on the laptop by Go's own bootstrap.bash.</summary>
internal static class PackBootstrapPipeline
{
    public static async Task<(TargetProfile Target, PackBootstrapResult Result)> RunAsync(Workspace workspace, PackBootstrapRequest request, CancellationToken cancellationToken)
    {
        var target = TargetSelection.Named(workspace.Catalog(), request.Targets, "pack-bootstrap");
        var go = await workspace.ToolchainAsync(cancellationToken).ConfigureAwait(false);
        var source = Path.GetFullPath(request.GoSource ?? go.GoRoot);
        var output = Path.GetFullPath(request.OutputDirectory ?? Environment.CurrentDirectory);
        var result = await new PackBootstrap(workspace.Runner, workspace.Paths).RunAsync(target, source, go, output, workspace.Events.Step, cancellationToken).ConfigureAwait(false);
        return (target, result);
    }
}
