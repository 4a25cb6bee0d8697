namespace PiBuild.Cli.Toolchains;

public sealed record ToolchainJson(string Version, string Directory, long Bytes, string LastUsed);

/// <summary><c>toolchains --json</c>: the Go releases in the cache.</summary>
public sealed record ToolchainsJson(IReadOnlyList<ToolchainJson> Toolchains);

/// <summary><c>toolchains prune --json</c>: the Go releases removed.</summary>
public sealed record RemovedToolchainsJson(IReadOnlyList<ToolchainJson> Removed);
