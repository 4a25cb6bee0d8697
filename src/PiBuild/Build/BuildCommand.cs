using System.CommandLine;
using PiBuild.Cli.Common;
using PiBuild.Cli.Cross;

namespace PiBuild.Cli.Build;

/// <summary>What <c>pibuild build</c> was asked for.</summary>
internal sealed record BuildRequest(string? Target, IReadOnlyList<string> Packages, string? Output);

/// <summary>
/// <c>pibuild build [PACKAGES...]</c> on the device: a native build with the same cache, output and verification
/// rules as <c>cross</c>, for the board pibuild detects (or <c>--target</c>).
/// </summary>
internal static class BuildCommand
{
    private static readonly Option<string?> Target = new("--target", "-t")
    {
        Description = "The board (default: detected from /proc/device-tree/model and /proc/cpuinfo)",
        HelpName = "NAME",
    };

    public static Command Create()
    {
        var command = new Command("build", "Build on the device itself, for the board it runs on") { Target, GlobalOptions.Go, CrossCommand.Output, CrossCommand.Packages };
        command.SetHandler((context, parseResult, cancellationToken) => RunAsync(context, new BuildRequest(
            parseResult.GetValue(Target), parseResult.GetValue(CrossCommand.Packages) ?? [], parseResult.GetValue(CrossCommand.Output)), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, BuildRequest request, CancellationToken cancellationToken)
    {
        var catalog = context.LoadCatalog();
        var target = BoardSelection.Resolve(context, catalog, request.Target);
        var (plan, results) = await BuildSteps.BuildAsync(context, [target], request.Packages, request.Output, cancellationToken).ConfigureAwait(false);
        BuildSteps.Report(context, plan, results);
        return ExitCodes.Ok;
    }
}
