using System.Buffers;
using System.Security.Cryptography;

namespace PiBuild.Core.Digests;

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
        // Megabyte reads into one pooled buffer rather than FileStream's own: a sysroot's digest opens thousands of
        // small files, and a fresh 1 MiB buffer for each cost more than the hashing.
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return Of(hash);
    }
}
