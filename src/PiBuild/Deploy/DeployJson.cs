namespace PiBuild.Cli.Deploy;

/// <param name="Sha256">Null in a dry run, where nothing was copied.</param>
/// <param name="Unchanged">The same build was in place: nothing moved, NAME.previous kept as it was.</param>
public sealed record DeployedBinaryJson(string Name, string Destination, string? Sha256, bool Copied, bool PreviousKept, bool Unchanged);

/// <param name="State">updated, unchanged, rolled-back, failed, not-started, unreachable, refused, would-update.</param>
public sealed record RolloutDeviceJson(string Name, string Address, string? Target, int Wave, string State, string? Reason, IReadOnlyList<DeployedBinaryJson> Binaries, string? Restart, string? UnitState);

public sealed record RolloutJson(bool DryRun, bool Succeeded, IReadOnlyList<RolloutDeviceJson> Devices);
