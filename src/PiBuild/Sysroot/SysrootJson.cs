namespace PiBuild.Cli.Sysroot;

public sealed record SysrootJson(string Device, string? Target, string? Model, string Directory, int FilesCopied, long BytesCopied, int Links, int Removed, int Unchanged);
