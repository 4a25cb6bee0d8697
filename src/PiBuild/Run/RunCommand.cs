using System.CommandLine;
using PiBuild.Cli.Common;
using PiBuild.Core;
using PiBuild.Core.Emulation;

namespace PiBuild.Cli.Run;

/// <summary>What <c>pibuild run</c> was asked for.</summary>
internal sealed record RunRequest(string Target, string Package, IReadOnlyList<string> Arguments);

/// <summary>
/// <c>pibuild run --target pi1 PACKAGE [-- ARGS]</c>: cross-build one command and run it on the emulated board
/// (qemu-user with the board's CPU model), passing its exit code through.
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
        var command = new Command("run", "Build one command for a board and run it under qemu-user with that board's CPU")
        {
            GlobalOptions.Target, GlobalOptions.Go, Package, Arguments,
        };
        command.SetHandler((context, parseResult, cancellationToken) =>
        {
            var target = GlobalOptions.SingleTarget(parseResult, "run");
            return RunAsync(context, new RunRequest(target, parseResult.GetRequiredValue(Package), parseResult.GetValue(Arguments) ?? []), cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, RunRequest request, CancellationToken cancellationToken)
    {
        var target = context.LoadCatalog().Get(request.Target);
        var (plan, results) = await BuildSteps.BuildAsync(context, [target], [request.Package], null, cancellationToken).ConfigureAwait(false);
        var binaries = results.Single().Binaries;
        if (binaries.Count != 1)
        {
            throw new ConfigurationException($"run needs one command package, but {request.Package} built {binaries.Count} commands; name one of them");
        }

        var binary = binaries[0].Path;
        if (context.Verbose)
        {
            await context.Error.WriteLineAsync(BuildSteps.Line(target, binaries[0])).ConfigureAwait(false);
        }

        var spec = QemuUser.IsNative(target, plan.Toolchain.HostOs, plan.Toolchain.HostArch)
            ? new Core.Processes.ProcessSpec(binary, request.Arguments, Environment.CurrentDirectory, new Dictionary<string, string?>())
            : QemuUser.Locate(target, context.GetVariable).Command(target, binary, request.Arguments, Environment.CurrentDirectory);

        using var stdin = Console.OpenStandardInput();
        using var stdout = Console.OpenStandardOutput();
        using var stderr = Console.OpenStandardError();
        return await context.Runner.RunAttachedAsync(spec, stdin, stdout, stderr, cancellationToken).ConfigureAwait(false);
    }
}
