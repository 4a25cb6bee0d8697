using System.CommandLine;
using PiBuild.Cli.Common;
using PiBuild.Core;

namespace PiBuild.Cli.Device;

/// <summary><c>pibuild device forget HOST</c>: close the ssh connections pibuild keeps open to a device for a few seconds.</summary>
internal static class DeviceCommand
{
    private static readonly Argument<string?> Host = new("HOST")
    {
        Description = "The device: [user@]host[:port] or an ssh config alias (default: $PIBUILD_ON)",
        Arity = ArgumentArity.ZeroOrOne,
    };

    public static Command Create()
    {
        var forget = new Command("forget", "Close pibuild's shared ssh connections to the device's host, so the next command logs in afresh") { Host };
        forget.SetHandler(async (context, parseResult, cancellationToken) =>
        {
            var (device, closed) = await context.Workspace.ForgetDeviceAsync(parseResult.GetValue(Host), cancellationToken).ConfigureAwait(false);
            context.Print(closed == 0 ? $"no shared connection to {device}" : $"closed {closed} shared connection(s) to {device}");
            return ExitCodes.Ok;
        });
        return new Command("device", "The devices pibuild reaches over ssh") { forget };
    }
}
