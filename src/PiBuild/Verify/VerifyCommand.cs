using System.CommandLine;
using PiBuild.Cli.Common;
using PiBuild.Core;
using PiBuild.Core.Pipelines;

namespace PiBuild.Cli.Verify;

/// <summary><c>pibuild verify FILE... --target pi1</c>: the same proof <c>cross</c> runs, for any binary.</summary>
internal static class VerifyCommand
{
    private static readonly Argument<string[]> Files = new("FILE")
    {
        Description = "Binaries to check (a build's output, a toolchain's bin/go, a release artifact's contents), or images: docker://REF, oci:DIR[:TAG]",
        Arity = ArgumentArity.OneOrMore,
    };

    private static readonly Option<bool> Static = new("--static")
    {
        Description = "Demand statically linked binaries (pibuild's builds without cgo are); a dynamic one is otherwise judged by its loader and code",
    };

    private static readonly Option<bool> GoOnly = new("--go-only")
    {
        Description = "Demand Go programs; otherwise an ELF file that is not one is judged on its code alone (machine, ABI, loader, CPU architecture)",
    };

    public static Command Create()
    {
        var command = new Command("verify", "Check that binaries are right for a board: ELF machine, EABI5, static, GOOS/GOARCH/GOARM")
        {
            SharedOptions.Target, Files, Static, GoOnly,
        };
        command.SetHandler(async (context, parseResult, cancellationToken) =>
        {
            var request = new VerifyRequest(parseResult.GetValue(SharedOptions.Target) ?? [], parseResult.GetValue(Files) ?? [], parseResult.GetValue(Static), parseResult.GetValue(GoOnly));
            var report = await context.Workspace.VerifyAsync(request, cancellationToken).ConfigureAwait(false);
            Render(context, report);
            return report.Passed ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return command;
    }

    private static void Render(CliContext context, VerifyReport report)
    {
        var target = report.Target.Name;
        foreach (var note in report.Notes ?? [])
        {
            // Beside the result, never in it: JSON on stdout stays one document.
            (context.Json ? context.Error : context.Out).WriteLine($"pibuild: {note}");
        }

        if (context.Json)
        {
            JsonOutput.Write(context.Out, new VerifyResultJson(report.Checks.Select(c => BinaryJson.From(c.JudgedAs ?? target, c)).ToArray()), JsonOutput.Default.VerifyResultJson);
            return;
        }

        foreach (var check in report.Checks.Where(c => c.Passed))
        {
            context.Print(BinaryLine.Format(check.JudgedAs ?? target, check));
            if (check.Loader is { } loader)
            {
                // What the board must have for it to start.
                context.Print($"       dynamically linked: needs {loader}{string.Concat(check.Needs.Select(n => ", " + n))} on the board");
            }
        }

        if (report.ImageProblems is { } problems)
        {
            foreach (var problem in problems)
            {
                context.Error.WriteLine($"pibuild: {problem}");
            }

            return;
        }

        foreach (var check in report.Checks.Where(c => !c.Passed))
        {
            context.Error.WriteLine($"pibuild: {CliContext.Display(check.Path)} is not a {target} binary: {string.Join("; ", check.Problems)}");
        }
    }
}
