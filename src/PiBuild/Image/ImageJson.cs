using PiBuild.Cli.Common;

namespace PiBuild.Cli.Image;

public sealed record ImageJson(string Reference, string Digest, string Entrypoint, IReadOnlyList<ImagePlatformJson> Platforms, string? Layout, bool Pushed, int BlobsSent, int BlobsPresent);

public sealed record ImagePlatformJson(string Platform, string Manifest, IReadOnlyList<string> Boards, IReadOnlyList<BinaryJson> Binaries);
