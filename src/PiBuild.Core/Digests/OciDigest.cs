using System.Security.Cryptography;
using PiBuild.Core.FileSystem;

namespace PiBuild.Core.Digests;

/// <summary>
/// A content digest as the OCI spec writes it, <c>sha256:</c> and 64 lower-case hex digits, and nothing else. Every
/// digest that arrives (an index, a manifest, a config, an <c>@sha256:</c> reference, a layout's index.json) becomes
/// one of these before it is used, so a blob's file name or URL is only ever built from 64 hex digits.
/// </summary>
internal readonly record struct OciDigest
{
    public const string Prefix = "sha256:";

    private OciDigest(string hex) => Hex = hex;

    /// <summary>The 64 hex digits: a blob's file name in a layout and in the download store.</summary>
    public string Hex { get; }

    public override string ToString() => Prefix + Hex;

    /// <summary>"sha256:0123456789ab…": enough to tell digests apart in a message.</summary>
    public string Short => ToString()[..19] + "…";

    public static OciDigest Of(ReadOnlySpan<byte> content) => new(Convert.ToHexStringLower(SHA256.HashData(content)));

    /// <summary>From a hash pibuild computed itself (64 lower-case hex digits).</summary>
    public static OciDigest FromHex(string hex) =>
        TryParse(Prefix + hex, out var digest) ? digest : throw new ArgumentException($"not a SHA-256: {hex}", nameof(hex));

    public static bool TryParse(string? text, out OciDigest digest)
    {
        digest = default;
        if (text is not { Length: 71 } || !text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in text.AsSpan(Prefix.Length))
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        digest = new OciDigest(text[Prefix.Length..]);
        return true;
    }

    /// <summary>A digest that arrived from <paramref name="source"/>; anything but sha256 and 64 hex digits is refused there.</summary>
    public static OciDigest Parse(string? text, string source) =>
        TryParse(text, out var digest)
            ? digest
            : throw new WorkFailedException(text is null
                ? $"{source} names no digest; the image is malformed"
                : $"{source} names the digest '{ArchiveName.Display(text.Length > 80 ? text[..80] + "…" : text)}', which is not sha256: and 64 lower-case hex digits; pibuild refuses it before reading anything it names");
}
