using System.CommandLine;
using PiBuild.Core;

namespace PiBuild.Cli.Common;

/// <summary>
/// Runs a command's logic and turns its outcome into an exit code: a known failure prints one line (and the
/// tool's own output before it, when there is some), anything else too, with the stack trace only under --verbose.
/// </summary>
internal static class CommandAction
{
    public static void SetHandler(this Command command, Func<CliContext, ParseResult, CancellationToken, Task<int>> handler) =>
        command.SetAction((parseResult, cancellationToken) => RunAsync(parseResult, handler, cancellationToken));

    /// <summary>The line that ends an interrupted run; its exit code is 130 after Ctrl-C, 143 after SIGTERM.</summary>
    public static int Interrupted(CliContext context)
    {
        var code = ExitCodes.ForStop;
        context.Error.WriteLine(code == ExitCodes.Terminated ? "pibuild: terminated; nothing half-written was kept" : "pibuild: interrupted; nothing half-written was kept");
        return code;
    }

    private static async Task<int> RunAsync(
        ParseResult parseResult,
        Func<CliContext, ParseResult, CancellationToken, Task<int>> handler,
        CancellationToken cancellationToken)
    {
        using var context = CliContext.From(parseResult);
        if (Workspace.UnsupportedSystem is { } unsupported)
        {
            await context.Error.WriteLineAsync($"pibuild: {unsupported}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        try
        {
            return await handler(context, parseResult, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            context.Events.FinishProgress();
            return Interrupted(context);
        }
        catch (PiBuildException e)
        {
            context.Events.FinishProgress();
            if (e.Details is { Length: > 0 } details)
            {
                await context.Error.WriteLineAsync(details).ConfigureAwait(false);
            }

            await context.Error.WriteLineAsync($"pibuild: {e.Message}").ConfigureAwait(false);
            await WriteTraceAsync(context, e).ConfigureAwait(false);
            return e.ExitCode;
        }
        catch (Exception e)
        {
            context.Events.FinishProgress();
            await context.Error.WriteLineAsync($"pibuild: unexpected error: {e.Message} (run with --verbose for details)").ConfigureAwait(false);
            await WriteTraceAsync(context, e).ConfigureAwait(false);
            return ExitCodes.Failure;
        }
    }

    private static async Task WriteTraceAsync(CliContext context, Exception e)
    {
        if (context.Verbose)
        {
            await context.Error.WriteLineAsync(e.ToString()).ConfigureAwait(false);
        }
    }
}
