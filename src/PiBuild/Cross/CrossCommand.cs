using System.CommandLine;
using PiBuild.Cli.Common;
using PiBuild.Core;

namespace PiBuild.Cli.Cross;

/// <summary>What <c>pibuild cross</c> was asked for.</summary>
internal sealed record CrossRequest(IReadOnlyList<string> Targets, IReadOnlyList<string> Packages, string? Output);

/// <summary><c>pibuild cross --target pi2[,pi1] [-o DIR] [PACKAGES...]</c>: cross-build and verify every command.</summary>
internal static class CrossCommand
{
    internal static readonly Option<string?> Output = new("--output", "-o")
    {
        Description = "Where binaries go: DIR/<target>/<command> (default: bin/ in the project)",
        HelpName = "DIR",
    };

    internal static readonly Argument<string[]> Packages = new("PACKAGES")
    {
        Description = "Packages to build (default: every main package)",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public static Command Create()
    {
        var command = new Command("cross", "Cross-build the project's commands for one or more boards, and verify every binary")
        {
            GlobalOptions.Target, GlobalOptions.Go, Output, Packages,
        };
        command.SetHandler((context, parseResult, cancellationToken) => RunAsync(context, new CrossRequest(
            parseResult.GetValue(GlobalOptions.Target) ?? [],
            parseResult.GetValue(Packages) ?? [],
            parseResult.GetValue(Output)), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, CrossRequest request, CancellationToken cancellationToken)
    {
        if (request.Targets.Count == 0)
        {
            throw new ConfigurationException("cross needs a board: --target pi2 (or pi1,pi2; see: pibuild targets)");
        }

        var targets = context.LoadCatalog().GetMany(request.Targets);
        var (plan, results) = await BuildSteps.BuildAsync(context, targets, request.Packages, request.Output, cancellationToken).ConfigureAwait(false);
        BuildSteps.Report(context, plan, results);
        return ExitCodes.Ok;
    }
}
