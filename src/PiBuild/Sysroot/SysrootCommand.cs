using System.CommandLine;
using PiBuild.Cli.Common;
using PiBuild.Core;
using PiBuild.Core.Pipelines;

namespace PiBuild.Cli.Sysroot;

/// <summary><c>pibuild sysroot --on host -o DIR</c>: the device's /usr/include, /lib and /usr/lib, copied for cgo; a rerun copies what changed.</summary>
internal static class SysrootCommand
{
    private static readonly Option<string> Output = new("--output", "-o")
    {
        Description = "The local directory to fill (created; a rerun updates it)",
        HelpName = "DIR",
        Required = true,
    };

    public static Command Create()
    {
        var command = new Command("sysroot", "Copy your Pi's headers and libraries (--on) into a directory, for cgo builds against them")
        {
            SharedOptions.On, Output,
        };
        command.SetHandler(async (context, parseResult, cancellationToken) =>
        {
            var request = new SysrootRequest(parseResult.GetValue(SharedOptions.On), parseResult.GetRequiredValue(Output));
            Render(context, await context.Workspace.SysrootAsync(request, cancellationToken).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Render(CliContext context, SysrootOutcome outcome)
    {
        var copy = outcome;
        if (context.Json)
        {
            JsonOutput.Write(context.Out, new SysrootJson(outcome.Device, outcome.Board.Profile?.Name, outcome.Board.Model, copy.Directory,
                copy.FilesCopied, copy.BytesCopied, copy.Links, copy.Removed, copy.Unchanged), JsonOutput.Default.SysrootJson);
            return;
        }

        var board = outcome.Board.Profile?.Name ?? outcome.Board.Model ?? "unknown board";
        context.Print($"{CliContext.Display(copy.Directory)}  from {outcome.Device} ({board}): {copy.FilesCopied} files copied ({ByteSize.Format(copy.BytesCopied)}), " +
            $"{copy.Unchanged} unchanged, {copy.Links} links, {copy.Removed} removed");
    }
}
