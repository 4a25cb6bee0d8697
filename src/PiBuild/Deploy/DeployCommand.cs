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
            var outcome = await context.Workspace.DeployAsync(request, cancellationToken).ConfigureAwait(false);
            context.Events.FinishProgress();
            Render(context, outcome);
            return outcome.Succeeded ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return command;
    }

    /// <summary>
    /// One JSON shape for one device or many; on the terminal a line per command for one device, else a table of
    /// every device, in the order given: where each ended and why.
    /// </summary>
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
                d.Binaries.Select(b => new DeployedBinaryJson(b.Name, b.Destination, b.Sha256.Length > 0 ? b.Sha256 : null, b.Copied, b.KeptPrevious, b.Unchanged)).ToArray(),
                d.Restart, d.UnitState)).ToArray()), JsonOutput.Default.RolloutJson);
            return;
        }

        if (outcome.Devices is [var one])
        {
            RenderOne(context, one);
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

    /// <summary>A fleet of one that got this far was updated, found unchanged, or would be: a line per command.</summary>
    private static void RenderOne(CliContext context, RolloutDevice device)
    {
        var dryRun = device.State == RolloutState.WouldUpdate;
        foreach (var binary in device.Binaries)
        {
            if (dryRun)
            {
                context.Print($"{device.Target}  would install {binary.Destination} on {device.Address} (via .{binary.Name}.pibuild-new, keeping any old one as {binary.Name}.previous)");
                continue;
            }

            if (binary.Unchanged)
            {
                context.Print($"{device.Target}  {binary.Destination} on {device.Address}  (unchanged: this build is in place already; {binary.Name}.previous left as it was)");
                continue;
            }

            var sent = binary.Copied ? "copied" : "already on the device";
            var previous = binary.KeptPrevious ? $", previous kept as {binary.Name}.previous" : "";
            context.Print($"{device.Target}  {binary.Destination} on {device.Address}  ({sent}{previous})");
        }

        if (device.Restart is { } unit)
        {
            var unchanged = device.State == RolloutState.Unchanged;
            context.Print(dryRun ? $"would restart {unit}" : $"{unit}: {device.UnitState}{(unchanged ? " (restarted as asked; the build in place is unchanged)" : "")}");
        }
    }
}
