namespace PiBuild.Core.Fetching;

/// <summary>How far a download is: bytes so far (resumed ones included) of the total, when the server says it.</summary>
public sealed record FetchProgress(string Name, long Bytes, long? Total, double BytesPerSecond);
