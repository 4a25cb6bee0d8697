namespace PiBuild.Cli.Bootstrap;

public sealed record BootstrapResultJson(string Target, string GoVersion, string Prefix, string Go, string Log, bool AlreadyBuilt, bool BootstrapRemoved, string PathLine);
