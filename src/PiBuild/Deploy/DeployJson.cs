namespace PiBuild.Cli.Deploy;

/// <param name="Sha256">Null in a dry run, where nothing was copied.</param>
public sealed record DeployedBinaryJson(string Name, string Destination, string? Sha256, bool Copied, bool PreviousKept);

public sealed record DeployJson(string Device, string Target, bool DryRun, IReadOnlyList<DeployedBinaryJson> Binaries, string? Restart, string? UnitState);
