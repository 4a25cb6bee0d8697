using System.Text.Json.Nodes;

namespace PiBuild.Cli.Targets;

/// <summary><c>targets --json</c>: every profile, each as its keys make it (<c>targets show --json</c> prints one).</summary>
public sealed record TargetsJson(IReadOnlyList<JsonObject> Targets);

/// <summary><c>targets detect --json</c>: what the machine said, and the profile that fits.</summary>
public sealed record DetectedJson(string Target, string? Model, string? CpuPart, int? UserlandBits, JsonObject Profile);

/// <summary>One device of <c>targets detect --on a,b --json</c>; <paramref name="Problem"/> says why it has no board.</summary>
public sealed record FleetBoardJson(string Name, string Address, bool Reachable, string? Target, string? Model, int? UserlandBits, string? Problem);

public sealed record FleetDetectedJson(IReadOnlyList<FleetBoardJson> Devices);
