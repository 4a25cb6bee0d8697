using System.Security.Cryptography;

namespace PiBuild.Core.Fetching;

/// <summary>SHA-256 digests as pibuild shows and stores them: 64 lower-case hex digits.</summary>
internal static class Sha256Hex
{
    public static bool IsValid(string? text) =>
        text is { Length: 64 } && text.All(char.IsAsciiHexDigit);

    /// <summary>Normalises a user-given digest, or throws a usage error naming where it came from.</summary>
    public static string Parse(string text, string origin) =>
        IsValid(text.Trim())
            ? text.Trim().ToLowerInvariant()
            : throw new ConfigurationException($"{origin}: '{text}' is not a SHA-256 (64 hexadecimal digits)");

    public static string Of(IncrementalHash hash) => Convert.ToHexStringLower(hash.GetCurrentHash());

    public static async Task<string> OfFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
    }
}
