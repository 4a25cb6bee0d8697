using PiBuild.Core.Addresses;
using PiBuild.Core.Builds;
using PiBuild.Core.Devices;
using PiBuild.Core.Targets;

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

/// <summary>What deploy did on the device; <paramref name="UnitState"/> is systemctl's word after a restart.</summary>
public sealed record DeployOutcome(string Device, TargetProfile Target, IReadOnlyList<DeployedBinary> Binaries, string? Restart, string? UnitState, bool DryRun)
{
    /// <summary>Every command was in place already: the device is as it was (but for a restart that was asked for).</summary>
    public bool Unchanged => !DryRun && Binaries.Count > 0 && Binaries.All(b => b.Unchanged);
}

/// <summary>
/// <c>pibuild deploy --on host</c>: every command built for the board the device says it is, verified, and put in
/// place there the way a running service can bear: copied beside its destination under a temporary name, the old file
/// kept as NAME.previous (a hard link, so the destination never disappears), then renamed over it in one step.
/// </summary>
internal static class DeployPipeline
{
    public static async Task<DeployOutcome> RunAsync(Workspace workspace, DeployRequest request, CancellationToken cancellationToken)
    {
        var address = workspace.DeviceAddress(request.On)
            ?? throw new ConfigurationException("deploy needs a device: --on pi@raspberrypi.local (or set PIBUILD_ON)");
        CheckSettings(request.To, request.Restart);

        var (flags, more) = GoBuildFlags.Parse(request.GoFlags ?? []);
        var device = await Device.ConnectAsync(workspace, address, cancellationToken).ConfigureAwait(false);
        var selected = TargetSelection.ForDevice(workspace.Catalog(), request.Targets, device.Board, address.ToString(), "deploy");
        var session = await BuildSession.OpenAsync(workspace, [selected], workspace.CgoOptions(request.Cgo, request.Sysroots), flags, cancellationToken).ConfigureAwait(false);
        var target = session.Targets[0];
        var report = await CrossPipeline.BuildAsync(workspace, session, [.. request.Packages, .. more], null, cancellationToken).ConfigureAwait(false);
        var binaries = report.Targets.Single().Binaries;
        var to = request.To.TrimEnd('/') is { Length: > 0 } trimmed ? trimmed : "/";
        string Destination(string name) => $"{to.TrimEnd('/')}/{name}";
        if (request.DryRun)
        {
            var planned = binaries.Select(b => new DeployedBinary(Path.GetFileName(b.Path), Destination(Path.GetFileName(b.Path)), "", Copied: false, KeptPrevious: false)).ToArray();
            return new DeployOutcome(address.ToString(), target, planned, request.Restart, null, DryRun: true);
        }

        var deployed = new List<DeployedBinary>();
        try
        {
            await InstallAsync(device, binaries, to, request.Sudo, deployed, cancellationToken).ConfigureAwait(false);
        }
        catch (PiBuildException e) when (deployed.Any(b => !b.Unchanged))
        {
            // A device is updated or left as it was: the commands already in place are put back.
            try
            {
                await RollBackAsync(device, deployed, to, request.Sudo, cancellationToken).ConfigureAwait(false);
            }
            catch (PiBuildException again)
            {
                throw new WorkFailedException($"{e.Message}; and putting back {string.Join(", ", deployed.Select(b => b.Destination))} failed: {again.Message}");
            }

            throw new WorkFailedException($"{e.Message}; {string.Join(", ", deployed.Where(b => !b.Unchanged).Select(b => b.Destination))} put back as it was");
        }

        await CommitAsync(device, deployed, to, request.Sudo, cancellationToken).ConfigureAwait(false);
        var state = request.Restart is { } restart ? await RestartAsync(device, restart, request.Sudo, to, cancellationToken).ConfigureAwait(false) : null;
        return new DeployOutcome(address.ToString(), target, deployed, request.Restart, state, DryRun: false);
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
    internal static async Task InstallAsync(Device device, IReadOnlyList<Binaries.BinaryCheck> binaries, string to, bool sudo, List<DeployedBinary> installed, CancellationToken cancellationToken)
    {
        foreach (var binary in binaries)
        {
            var program = await device.PlaceProgramAsync(binary.Path, cancellationToken).ConfigureAwait(false);
            var name = Path.GetFileName(binary.Path);
            var destination = $"{to.TrimEnd('/')}/{name}";
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
        var q = Device.Quote(unit);
        var result = await device.Connection.RunAsync($"{AsRoot(sudo, $"systemctl restart {q}")}; systemctl is-active {q}", cancellationToken).ConfigureAwait(false);
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
        var q = Device.Quote;
        foreach (var binary in deployed.Where(b => !b.Unchanged).Reverse())
        {
            var script = $"set -e; d={q(to)}; n={q(binary.Name)}; o=\"$d/.$n.pibuild-older\"; " +
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
        var q = Device.Quote;
        return $"set -e; d={q(to)}; n={q(name)}; if [ -f \"$d/$n\" ] && cmp -s {q(source)} \"$d/$n\"; then echo unchanged; exit 0; fi; " +
            "t=\"$d/.$n.pibuild-new\"; p=\"$d/.$n.pibuild-prev\"; o=\"$d/.$n.pibuild-older\"; mkdir -p \"$d\"; trap 'rm -f \"$t\" \"$p\"' EXIT; " +
            $"cp {q(source)} \"$t\"; chmod 755 \"$t\"; rm -f \"$o\" \"$p\"; " +
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
