using System.Formats.Tar;
using System.IO.Compression;

namespace PiBuild.Core.Releases;

/// <summary>A file to put into a release archive: its name inside the archive, where it is, and whether it runs.</summary>
internal sealed record ArchiveEntry(string Name, string SourcePath, bool Executable);

/// <summary>
/// Writes a <c>.tar.gz</c> that is the same bytes whenever the same files go in: entries sorted, every mtime the
/// source date, uid/gid 0 with no user names, modes 0755/0644, ustar headers (no extended attributes), and a
/// gzip header without a timestamp or file name.
/// </summary>
internal static class ReproducibleArchive
{
    public static void Write(string path, IEnumerable<ArchiveEntry> entries, long sourceDateEpoch)
    {
        var mtime = DateTimeOffset.FromUnixTimeSeconds(sourceDateEpoch);
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);

        // .NET's GZipStream writes a fixed header: MTIME 0, no name, OS code of the platform.
        using var gzip = new GZipStream(file, CompressionLevel.Optimal);
        using var tar = new TarWriter(gzip, TarEntryFormat.Ustar, leaveOpen: true);
        foreach (var entry in entries.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            using var data = File.OpenRead(entry.SourcePath);
            tar.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, entry.Name)
            {
                Mode = (UnixFileMode)(entry.Executable ? 0x1ED : 0x1A4),
                ModificationTime = mtime,
                Uid = 0,
                Gid = 0,
                UserName = "",
                GroupName = "",
                DataStream = data,
            });
        }
    }
}
