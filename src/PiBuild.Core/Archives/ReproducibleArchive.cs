using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using PiBuild.Core.Streams;

namespace PiBuild.Core.Archives;

/// <summary>A file to put into a release archive: its name inside the archive, where it is, and whether it runs.</summary>
internal sealed record ArchiveEntry(string Name, string SourcePath, bool Executable);

/// <summary>
/// An entry of a reproducible tarball: a directory when <see cref="Name"/> ends with '/', else a regular file read from
/// <see cref="SourcePath"/> or given as <see cref="Content"/>.
/// </summary>
internal sealed record TarItem(string Name, int Mode, string? SourcePath = null, byte[]? Content = null)
{
    public bool IsDirectory => Name.EndsWith('/');
}

/// <summary>
/// Writes tarballs that are the same bytes whenever the same files go in: entries sorted, every mtime the source
/// date, uid/gid 0, fixed modes, ustar headers (no extended attributes), and a gzip header without a timestamp or
/// file name. Release archives and the members of Debian packages are both written here.
/// </summary>
internal static class ReproducibleArchive
{
    private const int Executable = 0x1ED; // 0755
    private const int Regular = 0x1A4; // 0644

    /// <summary>A release <c>.tar.gz</c>: the files at the top level, with no owner names.</summary>
    public static void Write(string path, IEnumerable<ArchiveEntry> entries, long sourceDateEpoch)
    {
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        WriteTarGz(file, entries.Select(e => new TarItem(e.Name, e.Executable ? Executable : Regular, e.SourcePath)), sourceDateEpoch, owner: "");
    }

    /// <summary>The items, sorted by name, as a gzip-compressed tarball owned by uid/gid 0 named <paramref name="owner"/>.</summary>
    /// <param name="uncompressed">Hashes the tarball before compression (an image layer's diff ID), when given.</param>
    public static void WriteTarGz(Stream output, IEnumerable<TarItem> items, long sourceDateEpoch, string owner, IncrementalHash? uncompressed = null)
    {
        var mtime = DateTimeOffset.FromUnixTimeSeconds(sourceDateEpoch);

        // .NET's GZipStream writes a fixed header: MTIME 0, no name, OS code of the platform.
        using var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true);
        using var hashed = uncompressed is null ? null : new HashingWriteStream(gzip, uncompressed);
        using var tar = new TarWriter(hashed ?? (Stream)gzip, TarEntryFormat.Ustar, leaveOpen: true);
        foreach (var item in items.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            using var data = item.IsDirectory ? null : item.Content is { } content ? new MemoryStream(content, writable: false) : (Stream)File.OpenRead(item.SourcePath!);
            var entry = new UstarTarEntry(item.IsDirectory ? TarEntryType.Directory : TarEntryType.RegularFile, item.Name)
            {
                Mode = (UnixFileMode)item.Mode,
                ModificationTime = mtime,
                Uid = 0,
                Gid = 0,
                UserName = owner,
                GroupName = owner,
            };
            if (data is not null)
            {
                entry.DataStream = data;
            }

            tar.WriteEntry(entry);
        }
    }
}
