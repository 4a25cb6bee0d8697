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

    private static readonly Option<int?> Canary = new("--canary")
    {
        Description = "For several devices: update this many first, alone in their wave; the rest only if they pass",
        HelpName = "N",
    };

    private static readonly Option<int> Parallel = new("--parallel")
    {
        Description = "For several devices: how many a wave updates at once",
        HelpName = "N",
        DefaultValueFactory = _ => DeployRequest.DefaultParallel,
    };

    private static readonly Option<string?> Check = new("--check")
    {
        Description = "A health check run on each device after the install (and --restart); a failure rolls that device back to NAME.previous and stops the rollout",
        HelpName = "CMD",
    };

    public static Command Create()
    {
        var command = new Command("deploy", "Build for your Pi (--on), verify, and install the commands there atomically, keeping the previous ones")
        {
            SharedOptions.On, SharedOptions.DeviceTarget, SharedOptions.Go, SharedOptions.GoIndex, SharedOptions.Cgo, SharedOptions.Sysroot,
            SharedOptions.Tags, SharedOptions.LdFlags, To, Sudo, Restart, DryRun, Canary, Parallel, Check, Packages,
        };
        command.SetHandler(async (context, parseResult, cancellationToken) =>
        {
            var (packages, passed) = SharedOptions.SplitAtDoubleDash(parseResult, Packages);
            var request = new DeployRequest(
                parseResult.GetValue(SharedOptions.DeviceTarget) ?? [], packages, parseResult.GetValue(SharedOptions.On),
                parseResult.GetRequiredValue(To), parseResult.GetValue(Sudo), parseResult.GetValue(Restart), parseResult.GetValue(DryRun),
                parseResult.GetValue(SharedOptions.Cgo), parseResult.GetValue(SharedOptions.Sysroot), SharedOptions.GoFlags(parseResult, passed),
                parseResult.GetValue(Canary), parseResult.GetValue(Parallel), parseResult.GetValue(Check));
            if (context.Workspace.IsFleet(request.On) || request.Canary is not null || request.Check is not null)
            {
                var rollout = await context.Workspace.RolloutAsync(request, cancellationToken).ConfigureAwait(false);
                context.Events.FinishProgress();
                Render(context, rollout);
                return rollout.Succeeded ? ExitCodes.Ok : ExitCodes.Failure;
            }

            Render(context, await context.Workspace.DeployAsync(request, cancellationToken).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>A table of every device, in the order given: where each ended and why.</summary>
    private static void Render(CliContext context, RolloutOutcome outcome)
    {
        static string State(RolloutState state) => state switch
        {
            RolloutState.RolledBack => "rolled-back",
            RolloutState.NotStarted => "not-started",
            RolloutState.WouldUpdate => "would-update",
            _ => state.ToString().ToLowerInvariant(),
        };

        if (context.Json)
        {
            JsonOutput.Write(context.Out, new RolloutJson(outcome.DryRun, outcome.Succeeded, outcome.Devices.Select(d => new RolloutDeviceJson(
                d.Name, d.Address, d.Target, d.Wave, State(d.State), d.Reason,
                d.Binaries.Select(b => new DeployedBinaryJson(b.Name, b.Destination, b.Sha256.Length > 0 ? b.Sha256 : null, b.Copied, b.KeptPrevious, b.Unchanged)).ToArray())).ToArray()), JsonOutput.Default.RolloutJson);
            return;
        }

        var width = outcome.Devices.Max(d => d.Name.Length);
        foreach (var device in outcome.Devices)
        {
            var wave = device.Wave > 0 ? $"wave {device.Wave}" : "      ";
            var fine = device.State is RolloutState.Updated or RolloutState.Unchanged or RolloutState.WouldUpdate;
            var what = fine ? string.Join(", ", device.Binaries.Select(b => b.Destination)) + (device.Reason is { } note ? $" ({note})" : "") : device.Reason;
            var line = $"{device.Name.PadRight(width)}  {device.Address,-24} {device.Target ?? "-",-8} {wave}  {State(device.State),-12} {what}";
            (fine ? (Action<string>)context.Print : context.PrintImportant)(line);
        }
    }

    private static void Render(CliContext context, DeployOutcome outcome)
    {
        if (context.Json)
        {
            var binaries = outcome.Binaries.Select(b => new DeployedBinaryJson(b.Name, b.Destination, b.Sha256.Length > 0 ? b.Sha256 : null, b.Copied, b.KeptPrevious, b.Unchanged)).ToArray();
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

            if (binary.Unchanged)
            {
                context.Print($"{outcome.Target.Name}  {binary.Destination} on {outcome.Device}  (unchanged: this build is in place already; {binary.Name}.previous left as it was)");
                continue;
            }

            var sent = binary.Copied ? "copied" : "already on the device";
            var previous = binary.KeptPrevious ? $", previous kept as {binary.Name}.previous" : "";
            context.Print($"{outcome.Target.Name}  {binary.Destination} on {outcome.Device}  ({sent}{previous})");
        }

        if (outcome.Restart is { } unit)
        {
            context.Print(outcome.DryRun ? $"would restart {unit}" : $"{unit}: {outcome.UnitState}{(outcome.Unchanged ? " (restarted as asked; the build in place is unchanged)" : "")}");
        }
    }
}
