namespace PiBuild.Core.Archives;

public enum ArchiveFormat
{
    Tar,
    TarGzip,
    TarBzip2,
    TarXz,
    Zip,
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

        if (head.StartsWith("PK\x03\x04"u8) || head.StartsWith("PK\x05\x06"u8))
        {
            return ArchiveFormat.Zip;
        }

        // POSIX and GNU tar headers carry "ustar" at offset 257.
        return head.Length >= 262 && head[257..262].SequenceEqual("ustar"u8) ? ArchiveFormat.Tar : null;
    }

    public static ArchiveFormat DetectFile(string path)
    {
        Span<byte> head = stackalloc byte[BytesNeeded];
        int read;
        using (var stream = File.OpenRead(path))
        {
            read = stream.ReadAtLeast(head, BytesNeeded, throwOnEndOfStream: false);
        }

        return Detect(head[..read])
            ?? throw new WorkFailedException($"{path} is not an archive pibuild can unpack (tar, tar.gz, tar.bz2, tar.xz or zip, recognised by content)");
    }
}
