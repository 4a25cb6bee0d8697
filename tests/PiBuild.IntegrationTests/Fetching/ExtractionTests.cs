using System.Formats.Tar;
using System.Security.Cryptography;
using PiBuild.IntegrationTests.Infrastructure;
using static PiBuild.IntegrationTests.Infrastructure.Tarballs;

namespace PiBuild.IntegrationTests.Fetching;

/// <summary>pibuild fetch --extract on archives the tests make: what is kept, and what is refused.</summary>
public sealed class ExtractionTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private Dictionary<string, string?> Env() => new() { ["XDG_CACHE_HOME"] = _dir.Combine("cache"), ["PIBUILD_CACHE_DIR"] = null };

    private async Task<(RunResult Result, string Destination)> Extract(byte[] archive, string name = "archive.tar.gz", params string[] more)
    {
        var path = _dir.Combine(name);
        await File.WriteAllBytesAsync(path, archive);
        var destination = _dir.Combine("out");
        var result = await Run.PiBuildAsync(["fetch", path, "--extract", destination, .. more], _dir.Path, Env());
        return (result, destination);
    }

    /// <summary>After a refusal nothing may exist: not the destination, not a staging directory beside it.</summary>
    private void AssertNothingExtracted(string destination)
    {
        Assert.False(Directory.Exists(destination), $"{destination} exists");
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(_dir.Path), p => Path.GetFileName(p).StartsWith(".out.pibuild", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Modes_times_symlinks_and_hardlinks_inside_the_destination_are_kept()
    {
        var archive = TarGz(
            Dir("go/", (UnixFileMode)0x1ED),
            Dir("go/bin/", (UnixFileMode)0x1ED),
            Regular("go/bin/go", "#!/bin/sh\necho go version go1.99 linux/arm\n", (UnixFileMode)0x1ED),
            Regular("go/VERSION", "go1.99\n"),
            Symlink("go/bin/gofmt", "go"),
            Symlink("go/lib", "bin"),
            Hardlink("go/VERSION.copy", "go/VERSION"));
        var (result, destination) = await Extract(archive);
        result.AssertSucceeded();
        Assert.Contains("extracted 7 entries", result.StandardOutput, StringComparison.Ordinal);

        var go = Path.Combine(destination, "go", "bin", "go");
        Assert.Equal((UnixFileMode)0x1ED, File.GetUnixFileMode(go));
        Assert.Equal((UnixFileMode)0x1A4, File.GetUnixFileMode(Path.Combine(destination, "go", "VERSION")));
        Assert.Equal(Modified.UtcDateTime, File.GetLastWriteTimeUtc(go));
        Assert.Equal(Modified.UtcDateTime, Directory.GetLastWriteTimeUtc(Path.Combine(destination, "go", "bin")));
        Assert.Equal("go", new FileInfo(Path.Combine(destination, "go", "bin", "gofmt")).LinkTarget);
        Assert.Equal("go version go1.99 linux/arm\n", (await Run.ProgramAsync(go, [])).StandardOutput);

        // A hardlink is the same inode, not a copy.
        var original = new FileInfo(Path.Combine(destination, "go", "VERSION"));
        var linked = Path.Combine(destination, "go", "VERSION.copy");
        await File.AppendAllTextAsync(linked, "more\n");
        Assert.Equal("go1.99\nmore\n", await File.ReadAllTextAsync(original.FullName));
    }

    [Fact]
    public async Task Setuid_and_setgid_bits_are_dropped()
    {
        var (result, destination) = await Extract(TarGz(Regular("tool", "x", (UnixFileMode)0xDED)));
        result.AssertSucceeded();
        Assert.Equal((UnixFileMode)0x1ED, File.GetUnixFileMode(Path.Combine(destination, "tool")));
    }

    [Fact]
    public async Task Strip_components_drops_leading_directories()
    {
        var (result, destination) = await Extract(TarGz(Dir("go/"), Dir("go/bin/"), Regular("go/bin/go", "x")), more: ["--strip-components", "1"]);
        result.AssertSucceeded();
        Assert.True(File.Exists(Path.Combine(destination, "bin", "go")));
        Assert.False(Directory.Exists(Path.Combine(destination, "go")));
    }

    [Fact]
    public async Task The_format_is_recognised_by_content_not_by_name()
    {
        var (result, destination) = await Extract(TarGz(Regular("a.txt", "gz")), name: "download.bin");
        result.AssertSucceeded();
        Assert.Equal("gz", await File.ReadAllTextAsync(Path.Combine(destination, "a.txt")));
    }

    [Fact]
    public async Task Plain_tar_bzip2_xz_and_zip_unpack_the_same_tree()
    {
        var tar = Tar(Dir("t/"), Regular("t/run.sh", "#!/bin/sh\n", (UnixFileMode)0x1ED), Symlink("t/link", "run.sh"));
        var plain = _dir.Combine("t.tar");
        await File.WriteAllBytesAsync(plain, tar);
        (await Run.ProgramAsync("bzip2", ["-k", plain])).AssertSucceeded();
        (await Run.ProgramAsync("xz", ["-k", plain])).AssertSucceeded();
        var zip = _dir.Combine("t.zip");
        await File.WriteAllBytesAsync(zip, Zip(Dir("t/"), Regular("t/run.sh", "#!/bin/sh\n", (UnixFileMode)0x1ED), Symlink("t/link", "run.sh")));

        foreach (var archive in new[] { plain, plain + ".bz2", plain + ".xz", zip })
        {
            var destination = _dir.Combine("out-" + Path.GetExtension(archive).TrimStart('.'));
            var result = await Run.PiBuildAsync(["fetch", archive, "--extract", destination], _dir.Path, Env());
            Assert.True(result.ExitCode == 0, $"{archive}: {result}");
            Assert.Equal((UnixFileMode)0x1ED, File.GetUnixFileMode(Path.Combine(destination, "t", "run.sh")));
            Assert.Equal("run.sh", new FileInfo(Path.Combine(destination, "t", "link")).LinkTarget);
        }
    }

    [Theory]
    [InlineData("../evil", "entry '../evil' has a '..' component that could leave the destination")]
    [InlineData("/etc/evil", "entry '/etc/evil' has an absolute path")]
    [InlineData("a/../../evil", "entry 'a/../../evil' has a '..' component")]
    public async Task An_entry_that_would_land_outside_is_refused_and_nothing_is_extracted(string name, string message)
    {
        var (result, destination) = await Extract(TarGz(Regular("ok.txt", "fine"), Regular(name, "evil")));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(message, result.StandardError, StringComparison.Ordinal);
        Assert.EndsWith("nothing was extracted\n", result.StandardError, StringComparison.Ordinal);
        AssertNothingExtracted(destination);
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(_dir.Path)!, "evil")));
    }

    [Fact]
    public async Task A_symlink_to_an_absolute_path_is_refused()
    {
        var (result, destination) = await Extract(TarGz(Symlink("etc", "/etc")));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("entry 'etc' is a symlink to the absolute path '/etc'", result.StandardError, StringComparison.Ordinal);
        AssertNothingExtracted(destination);
    }

    [Fact]
    public async Task A_symlink_that_climbs_out_is_refused()
    {
        var (result, _) = await Extract(TarGz(Dir("a/"), Symlink("a/up", "../../outside")));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("is a symlink to '../../outside', outside the destination", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_symlink_whose_dots_follow_a_name_is_refused_because_another_link_could_redirect_it()
    {
        // "s" -> "." and then "t" -> "s/../x" resolves, through s, to the destination's parent.
        var (result, _) = await Extract(TarGz(Symlink("t", "s/../x"), Symlink("s", ".")));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("entry 't' is a symlink to 's/../x'", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_written_through_a_symlink_is_refused()
    {
        var target = _dir.Combine("victim");
        Directory.CreateDirectory(target);
        var (result, destination) = await Extract(TarGz(Symlink("dir", "."), Regular("dir/owned.txt", "through the link")));

        // The link itself points inside, but a later entry may not be written through it.
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("entry 'dir/owned.txt' goes through the symlink 'dir'", result.StandardError, StringComparison.Ordinal);
        AssertNothingExtracted(destination);
    }

    [Fact]
    public async Task A_hardlink_to_a_file_outside_is_refused()
    {
        var (result, destination) = await Extract(TarGz(Hardlink("passwd", "/etc/passwd")));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("entry 'passwd' has an absolute path", result.StandardError.Replace("'/etc/passwd'", "'passwd'", StringComparison.Ordinal), StringComparison.Ordinal);
        AssertNothingExtracted(destination);

        var (dots, _) = await Extract(TarGz(Hardlink("x", "../outside.txt")));
        Assert.Equal(1, dots.ExitCode);
        Assert.Contains("'..' component", dots.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TarEntryType.CharacterDevice, "is a device node")]
    [InlineData(TarEntryType.BlockDevice, "is a device node")]
    [InlineData(TarEntryType.Fifo, "is a FIFO")]
    public async Task Device_nodes_and_FIFOs_are_refused(TarEntryType type, string message)
    {
        var (result, destination) = await Extract(TarGz(new Entry("dev/thing", type)));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"entry 'dev/thing' {message}", result.StandardError, StringComparison.Ordinal);
        AssertNothingExtracted(destination);
    }

    [Fact]
    public async Task A_truncated_archive_is_reported_and_nothing_is_extracted()
    {
        var whole = TarGz(Regular("big.bin", new string('x', 300_000)), Regular("after.txt", "after"));
        var (result, destination) = await Extract(whole[..(whole.Length / 2)]);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("is corrupt or truncated", result.StandardError, StringComparison.Ordinal);
        AssertNothingExtracted(destination);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("bzip2")]
    [InlineData("xz")]
    public async Task A_corrupt_compressed_stream_is_reported(string compressor)
    {
        var plain = _dir.Combine($"c-{compressor}.tar");
        var random = new byte[200_000];
        new Random(7).NextBytes(random);
        await File.WriteAllBytesAsync(plain, Tar(Regular("noise.bin", Convert.ToBase64String(random))));
        (await Run.ProgramAsync(compressor, ["-k", plain])).AssertSucceeded();
        var compressed = await File.ReadAllBytesAsync(plain + compressor switch { "gzip" => ".gz", "bzip2" => ".bz2", _ => ".xz" });
        for (var i = compressed.Length / 3; i < compressed.Length / 3 + 64; i++)
        {
            compressed[i] ^= 0x5a;
        }

        var (result, destination) = await Extract(compressed, name: "corrupt");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("is corrupt or truncated", result.StandardError, StringComparison.Ordinal);
        AssertNothingExtracted(destination);
    }

    [Fact]
    public async Task An_entry_larger_than_the_free_disk_is_a_clear_error_and_the_temp_directory_is_removed()
    {
        var (result, destination) = await Extract(Gzip(TarHeaderClaiming("huge.img", 1L << 50)));
        Assert.Equal(1, result.ExitCode);
        Assert.Matches(@"^pibuild: no space left on /\S* for huge\.img \(needs 1125899906842624 bytes, has \d+\); free some space and try again; nothing was extracted\n$", result.StandardError);
        AssertNothingExtracted(destination);
    }

    [Fact]
    public async Task A_checksum_mismatch_extracts_nothing()
    {
        var archive = TarGz(Regular("a.txt", "a"));
        var wrong = Convert.ToHexStringLower(SHA256.HashData("other"u8.ToArray()));
        var (result, destination) = await Extract(archive, more: ["--sha256", wrong]);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"checksum mismatch for archive.tar.gz: expected {wrong}, got {Convert.ToHexStringLower(SHA256.HashData(archive))}", result.StandardError, StringComparison.Ordinal);
        AssertNothingExtracted(destination);
    }

    [Fact]
    public async Task A_destination_that_holds_files_is_not_overwritten()
    {
        _dir.Write("out/precious.txt", "keep me");
        var (result, destination) = await Extract(TarGz(Regular("a.txt", "a")));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("already exists and is not empty", result.StandardError, StringComparison.Ordinal);
        Assert.Equal("keep me", await File.ReadAllTextAsync(Path.Combine(destination, "precious.txt")));
    }

    [Fact]
    public async Task Something_that_is_not_an_archive_is_named_as_such()
    {
        var (result, _) = await Extract("just text, not an archive"u8.ToArray(), name: "notes.tar.gz");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("is not an archive pibuild can unpack", result.StandardError, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
