using PiBuild.Core.Addresses;
using PiBuild.Core.Binaries;
using PiBuild.Core.Devices;

namespace PiBuild.Core.Pipelines;

/// <summary>What <c>pibuild deploy</c> was asked for.</summary>
/// <param name="To">The directory on the device the commands go to.</param>
/// <param name="Sudo">Install (and restart) as root through passwordless sudo.</param>
/// <param name="Restart">A systemd unit to restart once every binary is in place.</param>
/// <param name="DryRun">Build and verify, ask the device what it is, and say what would change there; change nothing.</param>
/// <param name="Cgo">Build with cgo (--cgo); <paramref name="Sysroots"/> are the boards' headers and libraries for it.</param>
/// <param name="GoFlags">go build's flags (-tags=…, -ldflags=…, and what followed --), then more packages.</param>
/// <param name="Canary">For a fleet: how many devices go first, alone in their wave.</param>
/// <param name="Parallel">For a fleet: how many devices a wave updates at once.</param>
/// <param name="Check">A health check run on each device after the install (and restart); a failure rolls that device back.</param>
public sealed record DeployRequest(
    IReadOnlyList<string> Targets, IReadOnlyList<string> Packages, string? On, string To, bool Sudo, string? Restart, bool DryRun, bool Cgo = false, IReadOnlyList<string>? Sysroots = null,
    IReadOnlyList<string>? GoFlags = null,
    int? Canary = null,
    int Parallel = DeployRequest.DefaultParallel,
    string? Check = null)
{
    public const int DefaultParallel = 8;
}

/// <summary>One command put in place (or that would be, or found there already).</summary>
/// <param name="KeptPrevious">The file it replaced is kept as NAME.previous.</param>
/// <param name="Unchanged">The same build was in place already: nothing moved, NAME.previous is as it was.</param>
public sealed record DeployedBinary(string Name, string Destination, string Sha256, bool Copied, bool KeptPrevious, bool Unchanged = false);

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

/// <summary>One device of a deploy: its name, address, board, wave (0 for none), state, why, what was installed, and the unit restarted (systemctl's word for it after).</summary>
public sealed record RolloutDevice(string Name, string Address, string? Target, int Wave, RolloutState State, string? Reason, IReadOnlyList<DeployedBinary> Binaries, string? Restart = null, string? UnitState = null);

/// <summary>A deploy to one device or several: every device's end, in the order given.</summary>
public sealed record RolloutOutcome(IReadOnlyList<RolloutDevice> Devices, bool DryRun)
{
    public bool Succeeded => Devices.All(d => d.State is RolloutState.Updated or RolloutState.Unchanged or RolloutState.WouldUpdate);
}

/// <summary>
/// <c>pibuild deploy --on DEVICES</c>: every device asked what it is (at once), one build per distinct board, verified;
/// then waves — the canary devices first, then the rest, at most <c>--parallel</c> at a time — each device's commands
/// put in place the way a running service can bear (copied and checked on the device, the old file kept as
/// NAME.previous, renamed over in one step), its unit restarted and its health check run. A device whose restart or
/// check fails is put back as it was, and no further wave starts; one that cannot be reached is reported and does not
/// stop the others. One device is a fleet of one: the same steps, its failure the command's.
/// </summary>
internal static class DeployPipeline
{
    public static async Task<RolloutOutcome> RunAsync(Workspace workspace, DeployRequest request, CancellationToken cancellationToken)
    {
        var members = DeviceFleet.Members(workspace, request.On, "deploy needs a device: --on pi@raspberrypi.local, several: --on pi@kitchen,pi@hall or --on @group (or set PIBUILD_ON)");
        var alone = members.Count == 1;
        CheckSettings(request.To, request.Restart);
        foreach (var member in members)
        {
            CheckSettings(member.To ?? request.To, member.Restart ?? request.Restart);
        }

        if (request.Canary is { } canary && (canary < 1 || canary >= members.Count))
        {
            throw new ConfigurationException($"--canary {canary} must leave devices for a later wave: the fleet has {members.Count} device(s), so 1 to {Math.Max(1, members.Count - 1)}");
        }

        if (request.Parallel < 1)
        {
            throw new ConfigurationException($"--parallel {request.Parallel} must be at least 1");
        }

        var asked = await DeviceFleet.AskAsync(workspace, members, request.Targets, "deploy", cancellationToken).ConfigureAwait(false);
        var results = new Dictionary<FleetMember, RolloutDevice>();
        foreach (var a in asked.Where(a => !a.Ready))
        {
            results[a.Member] = new RolloutDevice(a.Member.Name, a.Member.Address.ToString(), a.Device?.Board.Profile?.Name, 0,
                a.Refused ? RolloutState.Refused : RolloutState.Unreachable, a.Problem, []);
        }

        var ready = asked.Where(a => a.Ready).ToArray();
        foreach (var a in ready)
        {
            DeviceFleet.Tell(workspace, alone, a.Member, "building", a.Target!.Name);
        }

        // One build per distinct board, verified for it, before anything is copied anywhere.
        var binaries = await DeviceFleet.BuildPerBoardAsync(workspace, ready, request.Cgo, request.Sysroots, request.GoFlags, request.Packages, cancellationToken).ConfigureAwait(false);
        var waves = Waves(ready, request.Canary, request.Parallel);
        var stopped = false;
        for (var w = 0; w < waves.Count; w++)
        {
            var wave = waves[w];
            if (stopped || request.DryRun)
            {
                foreach (var a in wave)
                {
                    var member = a.Member;
                    var target = a.Target!;
                    var planned = binaries[target.Name].Select(b => new DeployedBinary(Path.GetFileName(b.Path), DeviceFleet.Destination(member.To ?? request.To, Path.GetFileName(b.Path)), "", false, false)).ToArray();
                    results[member] = new RolloutDevice(member.Name, member.Address.ToString(), target.Name, w + 1,
                        request.DryRun ? RolloutState.WouldUpdate : RolloutState.NotStarted, request.DryRun ? null : "an earlier wave failed", planned, member.Restart ?? request.Restart);
                    DeviceFleet.Tell(workspace, alone, member, request.DryRun ? $"would update in wave {w + 1}" : "not started", request.DryRun ? target.Name : "an earlier wave failed");
                }

                continue;
            }

            using var slots = new SemaphoreSlim(request.Parallel);
            var updated = await Task.WhenAll(wave.Select(async a =>
            {
                await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    return await UpdateAsync(workspace, a, binaries[a.Target!.Name], request, w + 1, alone, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    slots.Release();
                }
            })).ConfigureAwait(false);
            foreach (var (a, outcome) in wave.Zip(updated))
            {
                results[a.Member] = outcome;
                if (outcome.State == RolloutState.RolledBack)
                {
                    DeviceFleet.Tell(workspace, alone, a.Member, "rolled back", outcome.Reason);
                }
            }

            stopped = updated.Any(u => u.State is not (RolloutState.Updated or RolloutState.Unchanged));
        }

        return new RolloutOutcome(members.Select(m => results[m]).ToArray(), request.DryRun);
    }

    /// <summary>The canary devices alone first, then the rest, at most <paramref name="parallel"/> a wave.</summary>
    private static IReadOnlyList<IReadOnlyList<AskedDevice>> Waves(IReadOnlyList<AskedDevice> ready, int? canary, int parallel)
    {
        var first = canary is { } n ? ready.Take(n).ToArray() : [];
        var rest = ready.Skip(first.Length).Chunk(parallel).Select(c => (IReadOnlyList<AskedDevice>)c);
        return first.Length > 0 ? [first, .. rest] : [.. rest];
    }

    /// <summary>
    /// Install, restart, check, then the install stands; a failure after something was put in place puts the previous
    /// commands back (and restarts the unit on them). A fleet of one throws what failed, with what was put back.
    /// </summary>
    private static async Task<RolloutDevice> UpdateAsync(
        Workspace workspace, AskedDevice asked, IReadOnlyList<BinaryCheck> binaries, DeployRequest request, int wave, bool alone, CancellationToken cancellationToken)
    {
        var (member, device, target) = (asked.Member, asked.Device!, asked.Target!);
        var to = member.To ?? request.To;
        var restart = member.Restart ?? request.Restart;
        void Tell(string stage, string? detail = null) => DeviceFleet.Tell(workspace, alone, member, stage, detail);

        RolloutDevice Outcome(RolloutState state, string? reason, IReadOnlyList<DeployedBinary> deployed, string? unitState = null) =>
            new(member.Name, member.Address.ToString(), target.Name, wave, state, reason, deployed, restart, unitState);

        var deployed = new List<DeployedBinary>();
        try
        {
            Tell("installing", $"{string.Join(", ", binaries.Select(b => Path.GetFileName(b.Path)))} for {target.Name} to {to}");
            await InstallAsync(device, binaries, to, request.Sudo, deployed, cancellationToken).ConfigureAwait(false);
            var unchanged = deployed.All(b => b.Unchanged);
            string? unitState = null;
            if (restart is not null)
            {
                Tell("restarting", unchanged ? $"{restart} (the build in place is unchanged; restarted as asked)" : restart);
                unitState = await RestartAsync(device, restart, request.Sudo, to, cancellationToken).ConfigureAwait(false);
            }

            if (request.Check is { } check)
            {
                Tell("checking");
                var result = await device.Connection.RunAsync(check, cancellationToken).ConfigureAwait(false);
                if (!result.Succeeded)
                {
                    var said = (result.StandardError + "\n" + result.StandardOutput).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
                    throw new WorkFailedException($"the check exited {result.ExitCode}{(said is null ? "" : ": " + said)}");
                }
            }

            await CommitAsync(device, deployed, to, request.Sudo, cancellationToken).ConfigureAwait(false);
            Tell(unchanged ? "unchanged" : "done");
            return Outcome(unchanged ? RolloutState.Unchanged : RolloutState.Updated, unchanged && restart is not null ? $"restarted {restart} as asked" : null, deployed, unitState);
        }
        catch (PiBuildException e) when (deployed.Any(b => !b.Unchanged))
        {
            Tell("rolling back", e.Message);
            var putBack = string.Join(", ", deployed.Where(b => !b.Unchanged).Select(b => b.Destination));
            try
            {
                await RollBackAsync(device, deployed, to, request.Sudo, cancellationToken).ConfigureAwait(false);
            }
            catch (PiBuildException again)
            {
                var reason = $"{e.Message}; and putting back {putBack} failed: {again.Message}";
                return alone ? throw new WorkFailedException(reason, e) : Outcome(RolloutState.Failed, reason, deployed);
            }

            var rolledBack = $"{e.Message}; {putBack} put back as it was";
            if (restart is not null)
            {
                try
                {
                    await RestartAsync(device, restart, request.Sudo, to, cancellationToken).ConfigureAwait(false);
                }
                catch (PiBuildException again)
                {
                    rolledBack += $", but {restart} did not come back on it: {again.Message}";
                }
            }

            return alone ? throw new WorkFailedException(rolledBack, e) { Details = (e as WorkFailedException)?.Details } : Outcome(RolloutState.RolledBack, rolledBack, deployed);
        }
        catch (PiBuildException e) when (!alone)
        {
            return Outcome(RolloutState.Failed, e.Message, deployed);
        }
    }

    /// <summary>The settings every device's deploy needs, checked before anything connects.</summary>
    internal static void CheckSettings(string to, string? restart)
    {
        if (!to.StartsWith('/'))
        {
            throw new ConfigurationException($"--to {to} is not an absolute directory on the device; write e.g. --to /usr/local/bin");
        }

        if (restart is { } unit && (unit.Length == 0 || unit.StartsWith('-') || unit.Any(char.IsWhiteSpace)))
        {
            throw new ConfigurationException($"--restart '{unit}' is not a systemd unit name; write e.g. --restart sensord.service");
        }
    }

    /// <summary>
    /// Every binary copied to the device and renamed into place in <paramref name="to"/>, the old one kept as
    /// NAME.previous; one already in place (the same bytes) is left alone. Each is added to <paramref name="installed"/>
    /// as soon as it is in place, so the caller can put back what a later failure left half done.
    /// </summary>
    internal static async Task InstallAsync(Device device, IReadOnlyList<BinaryCheck> binaries, string to, bool sudo, List<DeployedBinary> installed, CancellationToken cancellationToken)
    {
        foreach (var binary in binaries)
        {
            var program = await device.PlaceProgramAsync(binary.Path, cancellationToken).ConfigureAwait(false);
            var name = Path.GetFileName(binary.Path);
            var destination = DeviceFleet.Destination(to, name);
            var result = await device.Connection.RunAsync(AsRoot(sudo, InstallScript(program.Path, to, name)), cancellationToken).ConfigureAwait(false);
            ThrowIfRefused(result, sudo, device.Address, to);
            device.ThrowIfFailed(result, $"install {destination}");
            var said = result.StandardOutput;
            installed.Add(new DeployedBinary(name, destination, program.Sha256, program.Copied,
                said.Contains("previous", StringComparison.Ordinal), Unchanged: said.Contains("unchanged", StringComparison.Ordinal)));
        }
    }

    /// <summary>Restarts the unit and returns systemctl's word for it; anything but "active" is a failure naming the journal.</summary>
    internal static async Task<string> RestartAsync(Device device, string unit, bool sudo, string to, CancellationToken cancellationToken)
    {
        var quotedUnit = Device.Quote(unit);
        var result = await device.Connection.RunAsync($"{AsRoot(sudo, $"systemctl restart {quotedUnit}")}; systemctl is-active {quotedUnit}", cancellationToken).ConfigureAwait(false);
        ThrowIfRefused(result, sudo, device.Address, to);
        var state = result.StandardOutput.Trim().Split('\n').LastOrDefault() is { Length: > 0 } word ? word : "unknown";
        return state == "active"
            ? state
            : throw new WorkFailedException($"{unit} on {device.Address} is {state} after the restart; see: ssh {device.Address.Destination} journalctl -u {unit} -n 50")
            {
                Details = result.StandardError.Trim(),
            };
    }

    /// <summary>
    /// Puts each replaced command back (NAME.previous renamed over NAME, the version before it back as NAME.previous; a
    /// command that had none is removed), last installed first: the device exactly as it was before the deploy.
    /// </summary>
    internal static async Task RollBackAsync(Device device, IReadOnlyList<DeployedBinary> deployed, string to, bool sudo, CancellationToken cancellationToken)
    {
        var quote = Device.Quote;
        foreach (var binary in deployed.Where(b => !b.Unchanged).Reverse())
        {
            var script = $"set -e; d={quote(to)}; n={quote(binary.Name)}; o=\"$d/.$n.pibuild-older\"; " +
                (binary.KeptPrevious
                    ? "mv -f \"$d/$n.previous\" \"$d/$n\"; if [ -e \"$o\" ]; then mv -f \"$o\" \"$d/$n.previous\"; fi"
                    : "rm -f \"$d/$n\"");
            var result = await device.Connection.RunAsync(AsRoot(sudo, script), cancellationToken).ConfigureAwait(false);
            device.ThrowIfFailed(result, $"put {binary.Destination}.previous back");
        }
    }

    /// <summary>The deploy stands: the versions kept only for a rollback (.NAME.pibuild-older) are removed.</summary>
    internal static async Task CommitAsync(Device device, IReadOnlyList<DeployedBinary> deployed, string to, bool sudo, CancellationToken cancellationToken)
    {
        var kept = deployed.Where(b => b.KeptPrevious && !b.Unchanged).Select(b => Device.Quote($"{to.TrimEnd('/')}/.{b.Name}.pibuild-older")).ToArray();
        if (kept.Length > 0)
        {
            // Best effort: a leftover is hidden, and the next install of that command replaces it.
            await device.Connection.RunAsync(AsRoot(sudo, $"rm -f {string.Join(' ', kept)}"), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The same bytes in place already: nothing is touched (NAME.previous stays the real previous version). Otherwise
    /// copy under a temporary name in the destination directory (same file system, so each rename is atomic), link the
    /// old file to another temporary name (a copy where the file system has no hard links), and only then rename: the
    /// old NAME.previous aside as .NAME.pibuild-older (for a rollback), the old file's link to NAME.previous, the new
    /// file over NAME. A step that fails before the renames leaves the directory as it was.
    /// </summary>
    private static string InstallScript(string source, string to, string name)
    {
        var quote = Device.Quote;
        return $"set -e; d={quote(to)}; n={quote(name)}; if [ -f \"$d/$n\" ] && cmp -s {quote(source)} \"$d/$n\"; then echo unchanged; exit 0; fi; " +
            "t=\"$d/.$n.pibuild-new\"; p=\"$d/.$n.pibuild-prev\"; o=\"$d/.$n.pibuild-older\"; mkdir -p \"$d\"; trap 'rm -f \"$t\" \"$p\"' EXIT; " +
            $"cp {quote(source)} \"$t\"; chmod 755 \"$t\"; rm -f \"$o\" \"$p\"; " +
            "if [ -e \"$d/$n\" ]; then ln \"$d/$n\" \"$p\" 2>/dev/null || cp -p \"$d/$n\" \"$p\"; " +
            "if [ -e \"$d/$n.previous\" ]; then mv -f \"$d/$n.previous\" \"$o\"; fi; mv -f \"$p\" \"$d/$n.previous\"; echo previous; fi; " +
            "mv -f \"$t\" \"$d/$n\"; trap - EXIT";
    }

    private static string AsRoot(bool sudo, string script) => sudo ? $"sudo -n /bin/sh -c {Device.Quote(script)}" : script;

    private static void ThrowIfRefused(Processes.ProcessResult result, bool sudo, DeviceAddress address, string to)
    {
        if (result.Succeeded)
        {
            return;
        }

        if (sudo && result.StandardError.Contains("password is required", StringComparison.Ordinal))
        {
            throw new ConfigurationException($"--sudo needs passwordless sudo for {address.User ?? "the login user"} on {address}; allow it in /etc/sudoers.d there, or deploy --to a directory that user can write");
        }

        if (!sudo && result.StandardError.Contains("Permission denied", StringComparison.Ordinal))
        {
            throw new ConfigurationException($"{address.User ?? "the login user"} cannot write {to} on {address}; add --sudo, or deploy --to a directory that user can write");
        }
    }
}
