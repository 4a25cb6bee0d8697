using System.Formats.Tar;
using System.IO.Compression;
using PiBuild.Core.Archives;

namespace PiBuild.Tests.Releases;

public sealed class ReproducibleArchiveSpecs : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public void The_same_files_give_the_same_bytes_whatever_their_times_owners_and_order()
    {
        var a = _dir.Write("one/tool", "binary");
        var b = _dir.Write("one/README.md", "read me");
        var c = _dir.Write("two/tool", "binary");
        var d = _dir.Write("two/README.md", "read me");
        File.SetLastWriteTimeUtc(c, new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        File.SetUnixFileMode(a, (UnixFileMode)0x1FF);

        ReproducibleArchive.Write(_dir.Combine("1.tar.gz"), [new("tool", a, true), new("README.md", b, false)], 1_700_000_000);
        ReproducibleArchive.Write(_dir.Combine("2.tar.gz"), [new("README.md", d, false), new("tool", c, true)], 1_700_000_000);
        Assert.Equal(File.ReadAllBytes(_dir.Combine("1.tar.gz")), File.ReadAllBytes(_dir.Combine("2.tar.gz")));
    }

    [Fact]
    public void Entries_are_sorted_root_owned_0755_or_0644_and_dated_at_the_source_date()
    {
        var tool = _dir.Write("tool", "x");
        var readme = _dir.Write("README.md", "y");
        ReproducibleArchive.Write(_dir.Combine("a.tar.gz"), [new("tool", tool, true), new("README.md", readme, false)], 1_700_000_000);

        var bytes = File.ReadAllBytes(_dir.Combine("a.tar.gz"));
        Assert.Equal([0, 0, 0, 0], bytes[4..8]); // gzip MTIME
        Assert.Equal(0, bytes[3] & 0x08); // no FNAME

        using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        var entries = new List<TarEntry>();
        while (reader.GetNextEntry() is { } entry)
        {
            entries.Add(entry);
        }

        Assert.Equal(["README.md", "tool"], entries.Select(e => e.Name));
        Assert.All(entries, e => Assert.Equal((0, 0, "", ""), (e.Uid, e.Gid, ((PosixTarEntry)e).UserName, ((PosixTarEntry)e).GroupName)));
        Assert.All(entries, e => Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), e.ModificationTime));
        Assert.Equal([(UnixFileMode)0x1A4, (UnixFileMode)0x1ED], entries.Select(e => e.Mode));
    }

    public void Dispose() => _dir.Dispose();
}
