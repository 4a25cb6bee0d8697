using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace PiBuild.IntegrationTests.Infrastructure;

/// <summary>Archives made by the tests: ordinary, realistic and hostile ones.</summary>
public static class Tarballs
{
    public static readonly DateTimeOffset Modified = new(2024, 2, 6, 18, 30, 0, TimeSpan.Zero);

    /// <summary>An entry to write: a file, a directory, a link or something worse.</summary>
    public sealed record Entry(string Name, TarEntryType Type = TarEntryType.RegularFile, string Content = "", string? LinkName = null, UnixFileMode Mode = (UnixFileMode)0x1A4);

    public static Entry Regular(string name, string content, UnixFileMode mode = (UnixFileMode)0x1A4) => new(name, TarEntryType.RegularFile, content, Mode: mode);

    public static Entry Dir(string name, UnixFileMode mode = (UnixFileMode)0x1ED) => new(name, TarEntryType.Directory, Mode: mode);

    public static Entry Symlink(string name, string target) => new(name, TarEntryType.SymbolicLink, LinkName: target, Mode: (UnixFileMode)0x1FF);

    public static Entry Hardlink(string name, string target) => new(name, TarEntryType.HardLink, LinkName: target);

    public static byte[] Tar(params Entry[] entries)
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var e in entries)
            {
                var entry = new PaxTarEntry(e.Type, e.Name)
                {
                    Mode = e.Mode,
                    ModificationTime = Modified,
                };
                if (e.LinkName is not null)
                {
                    entry.LinkName = e.LinkName;
                }

                if (e.Type == TarEntryType.RegularFile)
                {
                    entry.DataStream = new MemoryStream(Encoding.UTF8.GetBytes(e.Content));
                }

                writer.WriteEntry(entry);
            }
        }

        return buffer.ToArray();
    }

    public static byte[] Gzip(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return buffer.ToArray();
    }

    public static byte[] TarGz(params Entry[] entries) => Gzip(Tar(entries));

    /// <summary>A ustar header that claims an entry of <paramref name="size"/> bytes, with no data behind it.</summary>
    public static byte[] TarHeaderClaiming(string name, long size)
    {
        var header = RawHeader(Encoding.ASCII.GetBytes(name), '0', 0);

        // GNU base-256 size (high bit set): octal digits cannot express more than 8 GiB.
        header.AsSpan(124, 12).Clear();
        header[124] = 0x80;
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(header.AsSpan(128), size);
        return [.. WithChecksum(header), .. new byte[1024]];
    }

    /// <summary>
    /// One tar member byte by byte, as other tools write them: any name bytes, any type flag, the mtime field as
    /// given (octal digits, or 12 raw bytes for base-256), and <paramref name="magic"/> ("ustar\0" + "00", GNU's
    /// "ustar  \0", or "" for V7). The checksum is correct unless the caller breaks it after.
    /// </summary>
    public static byte[] RawMember(byte[] name, char type, byte[] data, string magic = "ustar\000", byte[]? mtime = null)
    {
        var header = RawHeader(name, type, data.Length, magic);
        if (mtime is not null)
        {
            mtime.CopyTo(header, 136);
        }

        var padded = new byte[(data.Length + 511) / 512 * 512];
        data.CopyTo(padded, 0);
        return [.. WithChecksum(header), .. padded];
    }

    /// <summary>The two zero blocks that end a tar archive.</summary>
    public static byte[] EndOfArchive => new byte[1024];

    private static byte[] RawHeader(byte[] name, char type, long size, string magic = "ustar\000")
    {
        var header = new byte[512];
        name.CopyTo(header, 0);
        Encoding.ASCII.GetBytes("0000644\0").CopyTo(header, 100);
        Encoding.ASCII.GetBytes("0000000\0").CopyTo(header, 108);
        Encoding.ASCII.GetBytes("0000000\0").CopyTo(header, 116);
        Encoding.ASCII.GetBytes(Convert.ToString(size, 8).PadLeft(11, '0') + "\0").CopyTo(header, 124);
        Encoding.ASCII.GetBytes("14555555555\0").CopyTo(header, 136);
        header[156] = (byte)type;
        Encoding.ASCII.GetBytes(magic).CopyTo(header, 257);
        return header;
    }

    /// <summary>Sets a header's checksum field to match its bytes.</summary>
    public static byte[] WithChecksum(byte[] header)
    {
        "        "u8.CopyTo(header.AsSpan(148));
        var sum = header.Sum(b => b);
        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(header, 148);
        return header;
    }

    /// <summary>A zip whose entries carry Unix modes (and a symlink), as Info-ZIP writes them on Linux.</summary>
    public static byte[] Zip(params Entry[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var e in entries)
            {
                var typeBits = e.Type switch { TarEntryType.Directory => 0x4000, TarEntryType.SymbolicLink => 0xA000, _ => 0x8000 };
                var entry = zip.CreateEntry(e.Type == TarEntryType.Directory ? e.Name.TrimEnd('/') + "/" : e.Name);
                entry.ExternalAttributes = (typeBits | (int)e.Mode) << 16;
                entry.LastWriteTime = Modified;
                if (e.Type != TarEntryType.Directory)
                {
                    using var data = entry.Open();
                    data.Write(Encoding.UTF8.GetBytes(e.LinkName ?? e.Content));
                }
            }
        }

        return buffer.ToArray();
    }
}
