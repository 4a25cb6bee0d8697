namespace PiBuild.Core.Archives;

internal enum ArchiveFormat
{
    Tar,
    TarGzip,
    TarBzip2,
    TarXz,
    Zip,
    TarZstd,
}

/// <summary>Recognises an archive by its first bytes, not its name: a mislabelled download unpacks all the same.</summary>
internal static class ArchiveFormatDetector
{
    public const int BytesNeeded = 512;

    public static ArchiveFormat? Detect(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0x1f, 0x8b]))
        {
            return ArchiveFormat.TarGzip;
        }

        if (head.StartsWith("BZh"u8))
        {
            return ArchiveFormat.TarBzip2;
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))
        {
            return ArchiveFormat.TarXz;
        }

        // A zstd frame: podman's and buildah's zstd layers, a .tar.zst release.
        if (head.StartsWith((ReadOnlySpan<byte>)[0x28, 0xb5, 0x2f, 0xfd]))
        {
            return ArchiveFormat.TarZstd;
        }

        if (head.StartsWith("PK\x03\x04"u8) || head.StartsWith("PK\x05\x06"u8))
        {
            return ArchiveFormat.Zip;
        }

        // POSIX and GNU tar headers carry "ustar" at offset 257; a V7 header has no magic, only its checksum.
        return head.Length >= 262 && head[257..262].SequenceEqual("ustar"u8) ? ArchiveFormat.Tar
            : head.Length >= 512 && IsV7Header(head[..512]) ? ArchiveFormat.Tar
            : null;
    }

    private static bool IsV7Header(ReadOnlySpan<byte> header)
    {
        var field = header.Slice(148, 8).Trim((ReadOnlySpan<byte>)[0, (byte)' ']);
        if (field.IsEmpty || field.ContainsAnyExceptInRange((byte)'0', (byte)'7') || header[0] == 0)
        {
            return false;
        }

        long stored = 0;
        foreach (var digit in field)
        {
            stored = (stored << 3) | (long)(digit - '0');
        }

        long sum = 0;
        for (var i = 0; i < header.Length; i++)
        {
            sum += i is >= 148 and < 156 ? ' ' : header[i];
        }

        return stored == sum;
    }

    public static ArchiveFormat DetectFile(string path, string name)
    {
        Span<byte> head = stackalloc byte[BytesNeeded];
        int read;
        using (var stream = File.OpenRead(path))
        {
            read = stream.ReadAtLeast(head, BytesNeeded, throwOnEndOfStream: false);
        }

        return Detect(head[..read])
            ?? throw new WorkFailedException($"{name} is not an archive pibuild can unpack (tar, tar.gz, tar.bz2, tar.xz, tar.zst or zip, recognised by content)");
    }
}
