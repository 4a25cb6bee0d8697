using PiBuild.Cli.Common;

namespace PiBuild.Cli.Verify;

public sealed record VerifyResultJson(IReadOnlyList<BinaryJson> Binaries);
