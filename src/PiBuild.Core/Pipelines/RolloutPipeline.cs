using PiBuild.Core.Addresses;
using PiBuild.Core.Binaries;
using PiBuild.Core.Builds;
using PiBuild.Core.Devices;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Pipelines;

/// <summary>Where one device of a rollout ended.</summary>
public enum RolloutState
{
    Updated,
    RolledBack,
    Failed,
    NotStarted,
    Unreachable,
    Refused,
    WouldUpdate,

    /// <summary>The same build was in place: nothing moved (a restart only when one was asked for).</summary>
    Unchanged,
}

/// <summary>One device of a rollout: its name, address, board, wave (0 for none), state, why, and what was installed.</summary>
public sealed record RolloutDevice(string Name, string Address, string? Target, int Wave, RolloutState State, string? Reason, IReadOnlyList<DeployedBinary> Binaries);

/// <summary>A rollout to several devices: every device's end, in the order given.</summary>
public sealed record RolloutOutcome(IReadOnlyList<RolloutDevice> Devices, bool DryRun)
{
    public bool Succeeded => Devices.All(d => d.State is RolloutState.Updated or RolloutState.Unchanged or RolloutState.WouldUpdate);
}

/// <summary>
/// <c>pibuild deploy --on a,b,@group</c>: every device asked what it is (in parallel), one build per distinct board,
/// verified; then waves — the canary devices first, then the rest, at most <c>--parallel</c> at a time — each device
/// installed (NAME.previous kept), its unit restarted and its health check run. A device whose check fails is rolled
/// back (and its unit restarted), and no further wave starts. A device that cannot be reached is reported and does not
/// stop the others: it is the device's problem, not the release's.
/// </summary>
internal static class RolloutPipeline
{
    public static async Task<RolloutOutcome> RunAsync(Workspace workspace, DeployRequest request, CancellationToken cancellationToken)
    {
        var on = request.On ?? workspace.GetVariable(DeviceAddress.Variable)
            ?? throw new ConfigurationException("deploy needs devices: --on pi@kitchen,pi@hall, --on @group (or set PIBUILD_ON)");
        var config = workspace.Config();
        var members = Fleet.Resolve(on, config.Devices, config.Groups);
        DeployPipeline.CheckSettings(request.To, request.Restart);
        foreach (var member in members)
        {
            DeployPipeline.CheckSettings(member.To ?? request.To, member.Restart ?? request.Restart);
        }

        if (request.Canary is { } canary && (canary < 1 || canary >= members.Count))
        {
            throw new ConfigurationException($"--canary {canary} must leave devices for a later wave: the fleet has {members.Count} device(s), so 1 to {Math.Max(1, members.Count - 1)}");
        }

        if (request.Parallel < 1)
        {
            throw new ConfigurationException($"--parallel {request.Parallel} must be at least 1");
        }

        var (flags, more) = GoBuildFlags.Parse(request.GoFlags ?? []);

        // Every device is asked what it is, at once; one that cannot be reached is the device's problem.
        var asked = await Task.WhenAll(members.Select(m => AskAsync(workspace, m, cancellationToken))).ConfigureAwait(false);
        var results = new Dictionary<FleetMember, RolloutDevice>();
        var ready = new List<(FleetMember Member, Device Device, TargetProfile Target)>();
        foreach (var (member, device, problem) in asked)
        {
            if (device is null)
            {
                workspace.Events.Device(new DeviceProgress(member.Name, "unreachable", problem));
                results[member] = new RolloutDevice(member.Name, member.Address.ToString(), null, 0, RolloutState.Unreachable, problem, []);
                continue;
            }

            try
            {
                var named = member.Target is { } own ? [own] : request.Targets;
                var target = TargetSelection.ForDevice(workspace.Catalog(), named, device.Board, member.Address.ToString(), "deploy");
                workspace.Events.Device(new DeviceProgress(member.Name, "building", target.Name));
                ready.Add((member, device, target));
            }
            catch (ConfigurationException e)
            {
                workspace.Events.Device(new DeviceProgress(member.Name, "refused", e.Message));
                results[member] = new RolloutDevice(member.Name, member.Address.ToString(), device.Board.Profile?.Name, 0, RolloutState.Refused, e.Message, []);
            }
        }

        // One build per distinct board, verified for it, before anything is copied anywhere.
        var binaries = new Dictionary<string, IReadOnlyList<BinaryCheck>>(StringComparer.Ordinal);
        if (ready.Count > 0)
        {
            var boards = ready.Select(r => r.Target).DistinctBy(t => t.Name).ToArray();
            var session = await BuildSession.OpenAsync(workspace, boards, workspace.CgoOptions(request.Cgo, request.Sysroots), flags, cancellationToken).ConfigureAwait(false);
            var report = await CrossPipeline.BuildAsync(workspace, session, [.. request.Packages, .. more], null, cancellationToken).ConfigureAwait(false);
            foreach (var built in report.Targets)
            {
                binaries[built.Target.Name] = built.Binaries;
            }
        }

        var waves = Waves(ready, request.Canary, request.Parallel);
        var stopped = false;
        for (var w = 0; w < waves.Count; w++)
        {
            var wave = waves[w];
            if (stopped || request.DryRun)
            {
                foreach (var (member, _, target) in wave)
                {
                    var planned = binaries[target.Name].Select(b => new DeployedBinary(Path.GetFileName(b.Path), $"{(member.To ?? request.To).TrimEnd('/')}/{Path.GetFileName(b.Path)}", "", false, false)).ToArray();
                    results[member] = new RolloutDevice(member.Name, member.Address.ToString(), target.Name, w + 1,
                        request.DryRun ? RolloutState.WouldUpdate : RolloutState.NotStarted, request.DryRun ? null : "an earlier wave failed", planned);
                    workspace.Events.Device(new DeviceProgress(member.Name, request.DryRun ? $"would update in wave {w + 1}" : "not started", request.DryRun ? target.Name : "an earlier wave failed"));
                }

                continue;
            }

            using var slots = new SemaphoreSlim(request.Parallel);
            var updated = await Task.WhenAll(wave.Select(async d =>
            {
                await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    return await UpdateAsync(workspace, d.Member, d.Device, d.Target, binaries[d.Target.Name], request, w + 1, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    slots.Release();
                }
            })).ConfigureAwait(false);
            foreach (var (d, outcome) in wave.Zip(updated))
            {
                results[d.Member] = outcome;
                if (outcome.State == RolloutState.RolledBack)
                {
                    workspace.Events.Device(new DeviceProgress(d.Member.Name, "rolled back", outcome.Reason));
                }
            }

            stopped = updated.Any(u => u.State is not (RolloutState.Updated or RolloutState.Unchanged));
        }

        return new RolloutOutcome(members.Select(m => results[m]).ToArray(), request.DryRun);
    }

    /// <summary>The canary devices alone first, then the rest, at most <paramref name="parallel"/> a wave.</summary>
    private static IReadOnlyList<IReadOnlyList<(FleetMember Member, Device Device, TargetProfile Target)>> Waves(
        IReadOnlyList<(FleetMember Member, Device Device, TargetProfile Target)> ready, int? canary, int parallel)
    {
        var first = canary is { } n ? ready.Take(n).ToArray() : [];
        var rest = ready.Skip(first.Length).Chunk(parallel).Select(c => (IReadOnlyList<(FleetMember, Device, TargetProfile)>)c);
        return first.Length > 0 ? [first, .. rest] : [.. rest];
    }

    private static async Task<(FleetMember Member, Device? Device, string? Problem)> AskAsync(Workspace workspace, FleetMember member, CancellationToken cancellationToken)
    {
        workspace.Events.Device(new DeviceProgress(member.Name, "detecting"));
        try
        {
            return (member, await Device.ConnectAsync(workspace, member.Address, cancellationToken).ConfigureAwait(false), null);
        }
        catch (PiBuildException e)
        {
            return (member, null, e.Message);
        }
    }

    /// <summary>Install, restart, check; a failure after the install puts the previous commands back.</summary>
    private static async Task<RolloutDevice> UpdateAsync(
        Workspace workspace, FleetMember member, Device device, TargetProfile target, IReadOnlyList<BinaryCheck> binaries, DeployRequest request, int wave, CancellationToken cancellationToken)
    {
        var to = member.To ?? request.To;
        var restart = member.Restart ?? request.Restart;
        RolloutDevice Outcome(RolloutState state, string? reason, IReadOnlyList<DeployedBinary> deployed) =>
            new(member.Name, member.Address.ToString(), target.Name, wave, state, reason, deployed);

        var deployed = new List<DeployedBinary>();
        try
        {
            workspace.Events.Device(new DeviceProgress(member.Name, "installing", $"{string.Join(", ", binaries.Select(b => Path.GetFileName(b.Path)))} for {target.Name} to {to}"));
            await DeployPipeline.InstallAsync(device, binaries, to, request.Sudo, deployed, cancellationToken).ConfigureAwait(false);
            var unchanged = deployed.All(b => b.Unchanged);
            if (restart is not null)
            {
                workspace.Events.Device(new DeviceProgress(member.Name, "restarting", unchanged ? $"{restart} (the build in place is unchanged; restarted as asked)" : restart));
                await DeployPipeline.RestartAsync(device, restart, request.Sudo, to, cancellationToken).ConfigureAwait(false);
            }

            if (request.Check is { } check)
            {
                workspace.Events.Device(new DeviceProgress(member.Name, "checking"));
                var result = await device.Connection.RunAsync(check, cancellationToken).ConfigureAwait(false);
                if (!result.Succeeded)
                {
                    var said = (result.StandardError + "\n" + result.StandardOutput).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
                    throw new WorkFailedException($"the check exited {result.ExitCode}{(said is null ? "" : ": " + said)}");
                }
            }

            await DeployPipeline.CommitAsync(device, deployed, to, request.Sudo, cancellationToken).ConfigureAwait(false);
            workspace.Events.Device(new DeviceProgress(member.Name, unchanged ? "unchanged" : "done"));
            return Outcome(unchanged ? RolloutState.Unchanged : RolloutState.Updated, unchanged && restart is not null ? $"restarted {restart} as asked" : null, deployed);
        }
        catch (PiBuildException e) when (deployed.Any(b => !b.Unchanged))
        {
            workspace.Events.Device(new DeviceProgress(member.Name, "rolling back", e.Message));
            try
            {
                await DeployPipeline.RollBackAsync(device, deployed, to, request.Sudo, cancellationToken).ConfigureAwait(false);
                if (restart is not null)
                {
                    await DeployPipeline.RestartAsync(device, restart, request.Sudo, to, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (PiBuildException again)
            {
                return Outcome(RolloutState.Failed, $"{e.Message}; and the rollback failed: {again.Message}", deployed);
            }

            return Outcome(RolloutState.RolledBack, e.Message, deployed);
        }
        catch (PiBuildException e)
        {
            return Outcome(RolloutState.Failed, e.Message, deployed);
        }
    }
}
