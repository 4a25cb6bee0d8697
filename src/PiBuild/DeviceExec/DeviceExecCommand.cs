using System.CommandLine;
using PiBuild.Cli.Common;
using PiBuild.Core.Devices;
using PiBuild.Core.Processes;

namespace PiBuild.Cli.DeviceExec;

/// <summary>
/// <c>pibuild device-exec</c>, hidden: what <c>pibuild test --on</c> gives go test as -exec. go test appends the test
/// binary and its flags after the <c>--</c> pibuild puts last, so they are arguments here, never options.
/// </summary>
internal static class DeviceExecCommand
{
    private static readonly Option<string> Home = new("--home") { Required = true };

    private static readonly Option<int> StackKb = new("--stack-kb") { Required = true };

    private static readonly Argument<string[]> Command = new("BINARY") { Arity = ArgumentArity.OneOrMore };

    public static Command Create()
    {
        var command = new Command(DeviceExecRequest.CommandName, "Run a test binary on a device (go test -exec for pibuild test --on)")
        {
            SharedOptions.On, Home, StackKb, Command,
        };
        command.Hidden = true;
        command.SetHandler(async (context, parseResult, cancellationToken) =>
        {
            await using var stdout = Console.OpenStandardOutput();
            await using var stderr = Console.OpenStandardError();
            var words = parseResult.GetRequiredValue(Command);
            var request = new DeviceExecRequest(
                parseResult.GetValue(SharedOptions.On) ?? "", parseResult.GetRequiredValue(Home), parseResult.GetValue(StackKb),
                words[0], words[1..], new ProcessStreams(Stream.Null, stdout, stderr));
            return await context.Workspace.DeviceExecAsync(request, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
