using PiBuild.Cli.Common;

namespace PiBuild.Cli.Cross;

public sealed record BuildResultJson(string Project, string GoVersion, IReadOnlyList<BinaryJson> Binaries);
