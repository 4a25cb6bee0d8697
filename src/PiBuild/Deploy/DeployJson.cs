namespace PiBuild.Cli.Deploy;

/// <param name="Sha256">Null in a dry run, where nothing was copied.</param>
public sealed record DeployedBinaryJson(string Name, string Destination, string? Sha256, bool Copied, bool PreviousKept);

public sealed record DeployJson(string Device, string Target, bool DryRun, IReadOnlyList<DeployedBinaryJson> Binaries, string? Restart, string? UnitState);

/// <param name="State">updated, rolled-back, failed, not-started, unreachable, refused, would-update.</param>
public sealed record RolloutDeviceJson(string Name, string Address, string? Target, int Wave, string State, string? Reason, IReadOnlyList<DeployedBinaryJson> Binaries);

public sealed record RolloutJson(bool DryRun, bool Succeeded, IReadOnlyList<RolloutDeviceJson> Devices);
