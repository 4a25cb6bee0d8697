using System.CommandLine;
using PiBuild.Cli.Common;
using PiBuild.Core;
using PiBuild.Core.Pipelines;

namespace PiBuild.Cli.Cross;

/// <summary><c>pibuild cross --target pi2[,pi1] [-o DIR] [PACKAGES...] [-- GO_BUILD_FLAGS [PACKAGES...]]</c>: cross-build and verify every command.</summary>
internal static class CrossCommand
{
    internal static readonly Option<string?> Output = new("--output", "-o")
    {
        Description = "Where binaries go: DIR/<target>/<command> (default: bin/ in the project)",
        HelpName = "DIR",
    };

    internal static readonly Argument<string[]> Packages = new("PACKAGES")
    {
        Description = "Packages to build (default: every main package); after --, go build's flags, then packages",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public static Command Create()
    {
        var command = new Command("cross", "Cross-build the project's commands for one or more boards, and verify every binary")
        {
            SharedOptions.Target, SharedOptions.Go, SharedOptions.GoIndex, SharedOptions.Cgo, SharedOptions.Sysroot, SharedOptions.Tags, SharedOptions.LdFlags, Output, Packages,
        };
        command.SetHandler(async (context, parseResult, cancellationToken) =>
        {
            var (packages, passed) = SharedOptions.SplitAtDoubleDash(parseResult, Packages);
            var request = new CrossRequest(
                parseResult.GetValue(SharedOptions.Target) ?? [], packages, parseResult.GetValue(Output),
                parseResult.GetValue(SharedOptions.Cgo), parseResult.GetValue(SharedOptions.Sysroot), SharedOptions.GoFlags(parseResult, passed));
            Render(context, await context.Workspace.CrossAsync(request, cancellationToken).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>A line per verified binary, or the JSON document; shared with <c>build</c>.</summary>
    internal static void Render(CliContext context, BuildReport report)
    {
        if (context.Json)
        {
            var binaries = report.Targets.SelectMany(r => r.Checks.Select(b => BinaryJson.From(r.Target.Name, b))).ToArray();
            JsonOutput.Write(context.Out, new BuildResultJson(report.ProjectRoot, report.GoVersion, binaries), JsonOutput.Default.BuildResultJson);
            return;
        }

        foreach (var result in report.Targets)
        {
            foreach (var binary in result.Checks)
            {
                context.Print(BinaryLine.Format(result.Target.Name, binary));
            }
        }
    }
}
