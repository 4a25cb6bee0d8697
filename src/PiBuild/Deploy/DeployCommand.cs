using System.CommandLine;
using PiBuild.Cli.Common;
using PiBuild.Core;
using PiBuild.Core.Pipelines;

namespace PiBuild.Cli.Deploy;

/// <summary>
/// <c>pibuild deploy --on host [PACKAGES] [--to DIR] [--sudo] [--restart UNIT] [--dry-run]</c>: the verified commands
/// for the device's board, put in place there atomically, the previous ones kept as NAME.previous.
/// </summary>
internal static class DeployCommand
{
    private static readonly Argument<string[]> Packages = new("PACKAGES")
    {
        Description = "Command packages to deploy (default: every command of the project); after --, go build's flags, then packages",
        Arity = ArgumentArity.ZeroOrMore,
    };

    private static readonly Option<string> To = new("--to")
    {
        Description = "The directory on the device",
        HelpName = "DIR",
        DefaultValueFactory = _ => "/usr/local/bin",
    };

    private static readonly Option<bool> Sudo = new("--sudo") { Description = "Install (and restart) as root with passwordless sudo" };

    private static readonly Option<string?> Restart = new("--restart")
    {
        Description = "Restart this systemd unit afterwards and report its state",
        HelpName = "UNIT",
    };

    private static readonly Option<bool> DryRun = new("--dry-run") { Description = "Build, verify and ask the device; change nothing there, print what would be done" };

    public static Command Create()
    {
        var command = new Command("deploy", "Build for your Pi (--on), verify, and install the commands there atomically, keeping the previous ones")
        {
            SharedOptions.On, SharedOptions.DeviceTarget, SharedOptions.Go, SharedOptions.GoIndex, SharedOptions.Cgo, SharedOptions.Sysroot,
            SharedOptions.Tags, SharedOptions.LdFlags, To, Sudo, Restart, DryRun, Packages,
        };
        command.SetHandler(async (context, parseResult, cancellationToken) =>
        {
            var (packages, passed) = SharedOptions.SplitAtDoubleDash(parseResult, Packages);
            var request = new DeployRequest(
                parseResult.GetValue(SharedOptions.DeviceTarget) ?? [], packages, parseResult.GetValue(SharedOptions.On),
                parseResult.GetRequiredValue(To), parseResult.GetValue(Sudo), parseResult.GetValue(Restart), parseResult.GetValue(DryRun),
                parseResult.GetValue(SharedOptions.Cgo), parseResult.GetValue(SharedOptions.Sysroot), SharedOptions.GoFlags(parseResult, passed));
            Render(context, await context.Workspace.DeployAsync(request, cancellationToken).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Render(CliContext context, DeployOutcome outcome)
    {
        if (context.Json)
        {
            var binaries = outcome.Binaries.Select(b => new DeployedBinaryJson(b.Name, b.Destination, b.Sha256.Length > 0 ? b.Sha256 : null, b.Copied, b.KeptPrevious)).ToArray();
            JsonOutput.Write(context.Out, new DeployJson(outcome.Device, outcome.Target.Name, outcome.DryRun, binaries, outcome.Restart, outcome.UnitState), JsonOutput.Default.DeployJson);
            return;
        }

        foreach (var binary in outcome.Binaries)
        {
            if (outcome.DryRun)
            {
                context.Print($"{outcome.Target.Name}  would install {binary.Destination} on {outcome.Device} (via .{binary.Name}.pibuild-new, keeping any old one as {binary.Name}.previous)");
                continue;
            }

            var sent = binary.Copied ? "copied" : "already on the device";
            var previous = binary.KeptPrevious ? $", previous kept as {binary.Name}.previous" : "";
            context.Print($"{outcome.Target.Name}  {binary.Destination} on {outcome.Device}  ({sent}{previous})");
        }

        if (outcome.Restart is { } unit)
        {
            context.Print(outcome.DryRun ? $"would restart {unit}" : $"{unit}: {outcome.UnitState}");
        }
    }
}
