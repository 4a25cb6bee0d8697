namespace PiBuild.Cli.Fetch;

public sealed record ExtractResultJson(string Destination, string Format, int Entries, long Bytes);

public sealed record FetchResultJson(string Name, string Path, string Sha256, long Size, string Origin, string Verification, ExtractResultJson? Extracted);
