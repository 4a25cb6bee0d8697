using System.Text;
using PiBuild.IntegrationTests.Infrastructure;
using static PiBuild.IntegrationTests.Infrastructure.Tarballs;

namespace PiBuild.IntegrationTests.Fetching;

/// <summary>
/// Unpacking reads what GNU tar reads, byte for byte, and refuses what it refuses (each case a defect an
/// adversarial run found): corrupt archives with nothing left behind, and odd but valid ones in full.
/// </summary>
public sealed class ArchiveFormatTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private Dictionary<string, string?> Env() => new() { ["XDG_CACHE_HOME"] = _dir.Combine("cache"), ["PIBUILD_CACHE_DIR"] = null };

    private async Task<(RunResult Result, string Destination)> Extract(byte[] archive, string name = "archive.tar.gz")
    {
        var path = _dir.Combine(name);
        await File.WriteAllBytesAsync(path, archive);
        var destination = _dir.Combine("out-" + name);
        return (await Run.PiBuildAsync(["fetch", path, "--extract", destination], _dir.Path, Env()), destination);
    }

    private async Task<byte[]> Compress(string tool, byte[] tar)
    {
        var path = _dir.Combine($"in-{Guid.NewGuid():N}.tar");
        await File.WriteAllBytesAsync(path, tar);
        (await Run.ProgramAsync(tool, ["-q", "-k", path])).AssertSucceeded();
        return await File.ReadAllBytesAsync(path + tool switch { "gzip" => ".gz", "bzip2" => ".bz2", "zstd" => ".zst", _ => ".xz" });
    }

    private static byte[] NoiseTar()
    {
        var noise = new byte[100_000];
        new Random(11).NextBytes(noise);
        return Tar(Regular("noise.txt", Convert.ToBase64String(noise)), Regular("after.txt", "after"));
    }

    private void AssertNothingLeft(string destination)
    {
        Assert.False(Directory.Exists(destination), $"{destination} exists");
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(_dir.Path), p => Path.GetFileName(p).Contains(".pibuild-", StringComparison.Ordinal));
    }

    public static TheoryData<string> Corruptions() =>
    [
        "gzip missing its last 4 bytes", "gzip missing its last 30 bytes", "gzip with a flipped byte", "gzip with trailing garbage",
        "tar header with a bad checksum", "tar with a changed size field", "tar ending inside an entry",
        "zip entry with a wrong CRC", "zip entry with a wrong size", "bzip2 missing its end", "xz missing its end", "xz with trailing garbage",
        "zstd missing its end", "zstd with a flipped byte", "zstd with trailing garbage",
    ];

    [Theory]
    [MemberData(nameof(Corruptions))]
    public async Task A_corrupt_archive_is_refused_in_one_line_and_nothing_is_left(string corruption)
    {
        var tar = NoiseTar();
        var gz = Gzip(tar);
        var tarSize = tar[124..136];
        var archive = corruption switch
        {
            "gzip missing its last 4 bytes" => gz[..^4],
            "gzip missing its last 30 bytes" => gz[..^30],
            "gzip with a flipped byte" => Flip(gz, gz.Length - 40),
            "gzip with trailing garbage" => [.. gz, .. "garbage\n"u8],
            "tar header with a bad checksum" => Flip(tar, 10),
            "tar with a changed size field" => WithSize(tar, 512),
            "tar ending inside an entry" => tar[..5000],
            "zip entry with a wrong CRC" => ZipWithCentralField(16, 1),
            "zip entry with a wrong size" => ZipWithCentralField(24, 7),
            "bzip2 missing its end" => (await Compress("bzip2", tar))[..^3],
            "xz missing its end" => (await Compress("xz", tar))[..^3],
            "zstd missing its end" => (await Compress("zstd", tar))[..^3],
            "zstd with a flipped byte" => Flip(await Compress("zstd", tar), 2000),
            "zstd with trailing garbage" => [.. await Compress("zstd", tar), .. "garbage\n"u8],
            _ => [.. await Compress("xz", tar), .. "garbage\n"u8],
        };

        var (result, destination) = await Extract(archive, "corrupt.bin");
        result.AssertExit(1);
        Assert.Matches(@"^pibuild: corrupt\.bin is corrupt or truncated \([^\n]+\); fetch it again; nothing was extracted\n$", result.StandardError);
        AssertNothingLeft(destination);
    }

    [Theory]
    [InlineData("trailing zero bytes")]
    [InlineData("two gzip members")]
    public async Task Gzip_as_gzip_reads_it_is_accepted(string variant)
    {
        var gz = Gzip(Tar(Regular("a.txt", "one")));
        var (result, destination) = await Extract(variant == "two gzip members" ? [.. gz, .. Gzip(EndOfArchive)] : [.. gz, .. new byte[100]]);
        result.AssertSucceeded();
        Assert.Equal("one", await File.ReadAllTextAsync(Path.Combine(destination, "a.txt")));
    }

    [Theory]
    [InlineData("one frame")]
    [InlineData("two frames")]
    [InlineData("a skippable frame between")]
    public async Task Zstd_as_zstd_reads_it_is_accepted_as_podman_and_release_tarballs_make_it(string variant)
    {
        var tar = Tar(Regular("a.txt", "one"), Regular("b.txt", "two"));
        var whole = await Compress("zstd", tar);
        var head = await Compress("zstd", tar[..512]);
        var rest = await Compress("zstd", tar[512..]);
        byte[] skippable = [0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3];
        byte[] archive = variant switch
        {
            "one frame" => whole,
            "two frames" => [.. head, .. rest],
            _ => [.. head, .. skippable, .. rest],
        };
        var (result, destination) = await Extract(archive, "release.tar.zst");
        result.AssertSucceeded();
        Assert.Equal("one", await File.ReadAllTextAsync(Path.Combine(destination, "a.txt")));
        Assert.Equal("two", await File.ReadAllTextAsync(Path.Combine(destination, "b.txt")));
    }

    [Fact]
    public async Task A_directory_then_a_symlink_of_the_same_name_is_refused_naming_the_entry_not_the_staging_directory()
    {
        var tar = Tar(Dir("a/"), Regular("a/f", "x"), Symlink("a", "b"));
        var zip = Zip(Dir("a/"), Symlink("a", "b"));
        foreach (var (bytes, name) in new[] { (tar, "clash.tar"), (zip, "clash.zip") })
        {
            var (result, destination) = await Extract(bytes, name);
            result.AssertExit(1);
            Assert.Equal($"pibuild: cannot extract {name}: entry 'a' clashes with an entry of the same name before it; nothing was extracted\n", result.StandardError);
            Assert.DoesNotContain(".pibuild-", result.StandardError, StringComparison.Ordinal);
            Assert.False(Directory.Exists(destination));
        }
    }

    [Fact]
    public async Task A_destination_that_links_to_a_directory_is_followed_as_tar_does()
    {
        var real = _dir.Combine("real");
        Directory.CreateDirectory(real);
        var link = _dir.Combine("link");
        File.CreateSymbolicLink(link, "real");
        var archive = _dir.Combine("h.tar");
        await File.WriteAllBytesAsync(archive, Tar(Regular("h.txt", "hi")));

        var result = await Run.PiBuildAsync(["fetch", archive, "--extract", link], _dir.Path, Env());
        result.AssertSucceeded();
        Assert.Equal("hi", await File.ReadAllTextAsync(Path.Combine(real, "h.txt")));
        Assert.Equal("real", new FileInfo(link).LinkTarget);
    }

    [Fact]
    public async Task An_encrypted_zip_entry_is_refused_as_encrypted_not_as_corrupt()
    {
        var zip = Zip(Regular("secret.txt", "hidden"));

        // Bit 0 of the general purpose flags, in the local header (offset 6) and the central directory (offset 8).
        for (var at = 0; at + 4 <= zip.Length; at++)
        {
            if (zip[at] == 'P' && zip[at + 1] == 'K' && zip[at + 2] is 1 or 3 && zip[at + 3] == zip[at + 2] + 1)
            {
                zip[at + (zip[at + 2] == 3 ? 6 : 8)] |= 1;
            }
        }

        var (result, destination) = await Extract(zip, "secret.zip");
        result.AssertExit(1);
        Assert.Equal("pibuild: refusing secret.zip: entry 'secret.txt' is encrypted; encrypted zip entries are not supported (decrypt the archive first, e.g. with unzip); nothing was extracted\n", result.StandardError);
        Assert.False(Directory.Exists(destination));
    }

    [Fact]
    public async Task A_file_GNU_tar_stored_twice_as_a_link_to_itself_unpacks_as_tar_does()
    {
        var source = _dir.Combine("twice");
        Directory.CreateDirectory(source);
        await File.WriteAllTextAsync(Path.Combine(source, "f.txt"), "once\n");
        var tar = _dir.Combine("dup.tar");
        (await Run.ProgramAsync("tar", ["-C", source, "-cf", tar, "f.txt", "f.txt"])).AssertSucceeded();
        var listing = await Run.ProgramAsync("tar", ["-tvf", tar]);
        Assert.Contains("link to f.txt", listing.StandardOutput, StringComparison.Ordinal);

        var (result, destination) = await Extract(await File.ReadAllBytesAsync(tar), "dup.tar");
        result.AssertSucceeded();
        Assert.Equal("once\n", await File.ReadAllTextAsync(Path.Combine(destination, "f.txt")));
        Assert.Equal(["f.txt"], Directory.EnumerateFileSystemEntries(destination).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_git_archive_tarball_with_a_global_header_unpacks()
    {
        var repo = _dir.Combine("repo");
        Directory.CreateDirectory(repo);
        await File.WriteAllTextAsync(Path.Combine(repo, "main.go"), "package main\n");
        foreach (var args in new[] { ["init", "-q"], ["add", "."], ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "m"], new[] { "archive", "--format=tar.gz", "--prefix=src/", "-o", "../src.tar.gz", "HEAD" } })
        {
            (await Run.ProgramAsync("git", args, repo)).AssertSucceeded();
        }

        var destination = _dir.Combine("src-out");
        var result = await Run.PiBuildAsync(["fetch", _dir.Combine("src.tar.gz"), "--extract", destination], _dir.Path, Env());
        result.AssertSucceeded();
        Assert.Equal("package main\n", await File.ReadAllTextAsync(Path.Combine(destination, "src", "main.go")));
        Assert.False(File.Exists(Path.Combine(destination, "pax_global_header")));
    }

    [Fact]
    public async Task V7_members_and_the_nul_type_flag_are_regular_files_and_a_trailing_slash_a_directory()
    {
        var archive = Concat(
            RawMember("v7dir/"u8.ToArray(), '\0', [], magic: ""),
            RawMember("v7dir/file"u8.ToArray(), '\0', "seven"u8.ToArray(), magic: ""),
            RawMember("ustar-nul"u8.ToArray(), '\0', "nul"u8.ToArray()),
            EndOfArchive);
        var (result, destination) = await Extract(archive, "old.tar");
        result.AssertSucceeded();
        Assert.Equal("seven", await File.ReadAllTextAsync(Path.Combine(destination, "v7dir", "file")));
        Assert.Equal("nul", await File.ReadAllTextAsync(Path.Combine(destination, "ustar-nul")));
    }

    [Fact]
    public async Task Of_several_long_name_headers_before_one_entry_the_last_counts_and_a_nul_cuts_a_pax_path()
    {
        var gnu = Concat(
            RawMember("././@LongLink"u8.ToArray(), 'L', "first-name\0"u8.ToArray(), magic: "ustar  \0"),
            RawMember("././@LongLink"u8.ToArray(), 'L', "second-name\0"u8.ToArray(), magic: "ustar  \0"),
            RawMember("short"u8.ToArray(), '0', "gnu"u8.ToArray(), magic: "ustar  \0"),
            RawMember("PaxHeaders/x"u8.ToArray(), 'x', Pax("path", "cut\0here")),
            RawMember("x"u8.ToArray(), '0', "pax"u8.ToArray()),
            EndOfArchive);
        var (result, destination) = await Extract(gnu, "long.tar");
        result.AssertSucceeded();
        Assert.Equal(["cut", "second-name"], Directory.EnumerateFileSystemEntries(destination).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_name_that_is_not_UTF_8_is_created_byte_for_byte()
    {
        byte[] latin1 = [(byte)'c', (byte)'a', (byte)'f', 0xe9];
        var (result, destination) = await Extract(Concat(RawMember(latin1, '0', "x"u8.ToArray()), EndOfArchive), "latin1.tar");
        result.AssertSucceeded();

        // The shell names the file by its bytes; .NET would see U+FFFD and could not.
        (await Run.ProgramAsync("sh", ["-c", "test -f \"$(printf 'caf\\351')\"", "sh"], destination)).AssertSucceeded();
    }

    [Fact]
    public async Task Names_with_control_characters_are_printed_escaped_on_one_line()
    {
        var name = "bad\n\u001b[2Jname/../../x"u8.ToArray();
        var (result, _) = await Extract(Concat(RawMember(name, '0', []), EndOfArchive), "escape.tar");
        result.AssertExit(1);
        Assert.Equal("pibuild: refusing escape.tar: entry 'bad\\n\\x1b[2Jname/../../x' has a '..' component that could leave the destination; nothing was extracted\n", result.StandardError);
    }

    [Fact]
    public async Task Negative_and_far_future_modification_times_are_set_as_GNU_tar_sets_them()
    {
        var negative = new byte[12];
        negative.AsSpan().Fill(0xff);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(negative.AsSpan(4), -86_400);
        var archive = Concat(
            RawMember("old"u8.ToArray(), '0', [], mtime: negative),
            RawMember("future"u8.ToArray(), '0', [], mtime: "77777777777\0"u8.ToArray()),
            RawMember("PaxHeaders/f"u8.ToArray(), 'x', Pax("mtime", "-1.5")),
            RawMember("fraction"u8.ToArray(), '0', []),
            EndOfArchive);
        var (result, destination) = await Extract(archive, "times.tar");
        result.AssertSucceeded();
        var stat = await Run.ProgramAsync("stat", ["-c", "%n %Y", "old", "future", "fraction"], destination);
        Assert.Equal("old -86400\nfuture 8589934591\nfraction -2\n", stat.StandardOutput);
    }

    [Theory]
    [InlineData("--format=gnu")]
    [InlineData("--format=pax --sparse-version=0.0")]
    [InlineData("--format=pax --sparse-version=0.1")]
    [InlineData("--format=pax --sparse-version=1.0")]
    public async Task Sparse_files_are_expanded_with_their_holes(string format)
    {
        var source = _dir.Combine("src");
        Directory.CreateDirectory(source);
        var sparse = Path.Combine(source, "disk.img");
        await using (var file = File.Create(sparse))
        {
            file.SetLength(64 << 20);
            file.Position = 1 << 20;
            file.Write("first"u8);
            file.Position = (40 << 20) + 3;
            file.Write("second"u8);
        }

        var tar = _dir.Combine("sparse.tar");
        (await Run.ProgramAsync("tar", ["-C", source, "--sparse", .. format.Split(' '), "-cf", tar, "disk.img"])).AssertSucceeded();
        var destination = _dir.Combine("sparse-out");
        (await Run.PiBuildAsync(["fetch", tar, "--extract", destination], _dir.Path, Env())).AssertSucceeded();

        var extracted = Path.Combine(destination, "disk.img");
        (await Run.ProgramAsync("cmp", [sparse, extracted])).AssertSucceeded();
        var blocks = await Run.ProgramAsync("stat", ["-c", "%b", extracted]);
        Assert.True(long.Parse(blocks.StandardOutput.Trim(), System.Globalization.CultureInfo.InvariantCulture) < 1024, $"{blocks.StandardOutput.Trim()} blocks allocated for 64 MiB with 11 bytes of data");
        Assert.False(Directory.Exists(Path.Combine(destination, "GNUSparseFile.0")));
    }

    [Fact]
    public async Task A_sparse_map_that_does_not_add_up_is_refused()
    {
        var archive = Concat(
            RawMember("PaxHeaders/s"u8.ToArray(), 'x', [.. Pax("GNU.sparse.size", "100"), .. Pax("GNU.sparse.map", "0,10,50,10")]),
            RawMember("s"u8.ToArray(), '0', new byte[15]),
            EndOfArchive);
        var (result, destination) = await Extract(archive, "badsparse.tar");
        result.AssertExit(1);
        Assert.Contains("has a sparse map of 20 bytes for 15 bytes of data", result.StandardError, StringComparison.Ordinal);
        AssertNothingLeft(destination);
    }

    [Fact]
    public async Task A_bzip2_archive_of_many_blocks_and_two_streams_unpacks_exactly_and_a_corrupt_block_is_refused()
    {
        // 100 kB blocks (bzip2 -1) over ~3 MB: many blocks, decoded in parallel; the tar is split into two streams.
        var files = Enumerable.Range(0, 30).Select(i => Regular($"d/f{i}.txt", string.Join('\n', Enumerable.Range(0, 4000).Select(n => $"{i}:{n * 7919 % 10007}")))).ToArray();
        var tar = Tar(files);
        var half = tar.Length / 2 + 123;
        var first = _dir.Combine("part1");
        var second = _dir.Combine("part2");
        await File.WriteAllBytesAsync(first, tar[..half]);
        await File.WriteAllBytesAsync(second, tar[half..]);
        (await Run.ProgramAsync("bzip2", ["-1", first, second])).AssertSucceeded();
        var bz = Concat(await File.ReadAllBytesAsync(first + ".bz2"), await File.ReadAllBytesAsync(second + ".bz2"));

        var (result, destination) = await Extract(bz, "blocks.tbz");
        result.AssertSucceeded();
        foreach (var file in files)
        {
            Assert.Equal(file.Content, await File.ReadAllTextAsync(Path.Combine(destination, file.Name)));
        }

        var (corrupt, nothing) = await Extract(Flip(bz, bz.Length / 4), "corrupt.tbz");
        corrupt.AssertExit(1);
        Assert.Contains("corrupt.tbz is corrupt or truncated (bzip2 data is corrupt", corrupt.StandardError, StringComparison.Ordinal);
        AssertNothingLeft(nothing);
    }

    [Fact]
    public async Task A_destination_that_is_a_file_is_a_usage_error()
    {
        var file = _dir.Write("out-archive.tar.gz", "a file");
        var (result, _) = await Extract(TarGz(Regular("a.txt", "a")));
        result.AssertExit(2);
        Assert.Equal($"pibuild: {file} is a file; extract into a directory\n", result.StandardError);
    }

    [Fact]
    public async Task A_name_too_long_for_the_file_system_says_so()
    {
        var (result, destination) = await Extract(Concat(RawMember("PaxHeaders/l"u8.ToArray(), 'x', Pax("path", new string('n', 300))), RawMember("x"u8.ToArray(), '0', []), EndOfArchive), "long.tar");
        result.AssertExit(1);
        Assert.Contains($"cannot extract long.tar: entry '{new string('n', 300)}' has a name too long for the file system of {_dir.Path}", result.StandardError, StringComparison.Ordinal);
        AssertNothingLeft(destination);
    }

    [Fact]
    public async Task A_staging_directory_left_by_a_killed_process_is_removed_by_the_next_extraction()
    {
        // No process has this id (Linux's largest is 4194304), so the directory is garbage.
        var stale = _dir.Combine(".out-archive.tar.gz.pibuild-4999999-0badf00d");
        Directory.CreateDirectory(Path.Combine(stale, "half"));
        var (result, _) = await Extract(TarGz(Regular("a.txt", "a")));
        result.AssertSucceeded();
        Assert.False(Directory.Exists(stale));
    }

    [Fact]
    public async Task Ctrl_C_inside_one_large_entry_stops_exits_130_and_leaves_nothing()
    {
        // Stopped (SIGSTOP) the moment its bytes are being written, so the interrupt is pending before the extraction
        // can end however busy the machine is; it is handled as soon as the process goes on.
        var (process, destination) = await StartLargeExtraction(stopWhenWriting: true);
        await Processes.InterruptAsync(process.Id);
        (await Run.ProgramAsync("kill", ["-CONT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])).AssertSucceeded();
        var result = await Run.WaitAsync(process, TimeSpan.FromMinutes(2));
        result.AssertExit(130);
        AssertNothingLeft(destination);
    }

    [Fact]
    public async Task An_extraction_finding_its_destination_filled_by_another_keeps_the_other()
    {
        var (process, destination) = await StartLargeExtraction();
        _dir.Write(Path.Combine(destination, "theirs.txt"), "the other extraction's result");
        var result = await Run.WaitAsync(process, TimeSpan.FromSeconds(120));
        result.AssertExit(1);
        Assert.Contains($"{destination} was filled by another extraction while big.tar.gz was unpacked into it", result.StandardError, StringComparison.Ordinal);
        Assert.Equal(["theirs.txt"], Directory.EnumerateFileSystemEntries(destination).Select(Path.GetFileName));
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(_dir.Path), p => Path.GetFileName(p).Contains(".pibuild-", StringComparison.Ordinal));
    }

    /// <summary>Starts unpacking one 1 GiB entry and returns once its bytes are being written.</summary>
    private async Task<(System.Diagnostics.Process Process, string Destination)> StartLargeExtraction(bool stopWhenWriting = false)
    {
        var archive = _dir.Combine("big.tar.gz");
        await using (var file = File.Create(archive))
        await using (var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Fastest))
        {
            gzip.Write(TarHeaderClaiming("big.img", 1L << 30).AsSpan(0, 512));
            var zeros = new byte[1 << 20];
            for (var i = 0; i < 1 << 10; i++)
            {
                gzip.Write(zeros);
            }

            gzip.Write(EndOfArchive);
        }

        var destination = _dir.Combine("big-out");
        var process = Run.StartPiBuild(["fetch", archive, "--extract", destination], _dir.Path, Env());
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline && !Directory.EnumerateFiles(_dir.Path, "big.img", SearchOption.AllDirectories).Any(f => new FileInfo(f).Length > 0))
        {
            await Task.Delay(5);
        }

        if (stopWhenWriting)
        {
            Assert.Equal(0, Kill(process.Id, SigStop));
        }

        Assert.False(process.HasExited, "the extraction ended before it could be interrupted");
        return (process, destination);
    }

    private const int SigStop = 19;

    /// <summary>kill(2) itself: a stop must not wait for a kill(1) process to start.</summary>
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private static byte[] Pax(string key, string value)
    {
        // A record counts its own length's digits: "%d %s=%s\n".
        var record = Encoding.UTF8.GetByteCount($" {key}={value}\n");
        var length = Enumerable.Range(record + 1, 8).First(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture).Length + record == n);
        return Encoding.UTF8.GetBytes($"{length} {key}={value}\n");
    }

    /// <summary>The first member's size field set to <paramref name="size"/>, checksum recomputed: only the layout betrays it.</summary>
    private static byte[] WithSize(byte[] tar, long size)
    {
        var header = tar[..512];
        Encoding.ASCII.GetBytes(Convert.ToString(size, 8).PadLeft(11, '0') + "\0").CopyTo(header, 124);
        return [.. WithChecksum(header), .. tar[512..]];
    }

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    private static byte[] Flip(byte[] data, int at) => Changed(data, at, (byte)(data[at] ^ 0x55));

    private static byte[] Changed(byte[] data, int at, byte value)
    {
        var copy = data.ToArray();
        copy[at] = value;
        return copy;
    }

    /// <summary>A zip whose entry's CRC-32 (offset 16) or size (offset 24) is changed in both its local and central headers.</summary>
    private static byte[] ZipWithCentralField(int centralOffset, int delta)
    {
        var zip = Zip(Regular("a.txt", new string('z', 5000)));
        var central = zip.AsSpan().LastIndexOf("PK\x01\x02"u8);
        var local = 0;
        foreach (var at in new[] { central + centralOffset, local + centralOffset - 2 })
        {
            var value = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(at));
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(at), (uint)(value + delta));
        }

        return zip;
    }

    public void Dispose() => _dir.Dispose();
}
