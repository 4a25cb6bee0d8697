using System.CommandLine;
using PiBuild.Cli.Common;
using PiBuild.Core.Pipelines;
using PiBuild.Core.Processes;

namespace PiBuild.Cli.Run;

/// <summary>
/// <c>pibuild run --target pi1 PACKAGE [-- ARGS]</c>: cross-build one command and run it on the emulated board
/// (qemu-user with the board's CPU model), or with <c>--on host</c> on the device itself, passing its exit code through.
/// </summary>
internal static class RunCommand
{
    private static readonly Argument<string> Package = new("PACKAGE") { Description = "The command package to build and run" };

    private static readonly Argument<string[]> Arguments = new("ARGS")
    {
        Description = "Arguments for the program (after --)",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public static Command Create()
    {
        var command = new Command("run", "Build one command for a board and run it under qemu-user with that board's CPU, or on your Pi with --on")
        {
            SharedOptions.Target, SharedOptions.On, SharedOptions.Go, SharedOptions.GoIndex, SharedOptions.Cgo, SharedOptions.Sysroot, SharedOptions.Tags, SharedOptions.LdFlags, Package, Arguments,
        };
        command.SetHandler(async (context, parseResult, cancellationToken) =>
        {
            await using var stdin = Console.OpenStandardInput();
            await using var stdout = Console.OpenStandardOutput();
            await using var stderr = Console.OpenStandardError();
            var request = new RunRequest(
                parseResult.GetValue(SharedOptions.Target) ?? [], parseResult.GetRequiredValue(Package), parseResult.GetValue(Arguments) ?? [],
                new ProcessStreams(stdin, stdout, stderr), parseResult.GetValue(SharedOptions.On),
                parseResult.GetValue(SharedOptions.Cgo), parseResult.GetValue(SharedOptions.Sysroot), SharedOptions.GoFlags(parseResult, []));
            if (context.Workspace.IsFleet(request.On))
            {
                return await context.Workspace.RunOnFleetAsync(request, cancellationToken).ConfigureAwait(false);
            }

            var outcome = await context.Workspace.RunAsync(request, cancellationToken).ConfigureAwait(false);
            return outcome.ExitCode;
        });
        return command;
    }
}
