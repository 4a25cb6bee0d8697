using System.Buffers;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using PiBuild.Core.Archives.Compression;
using PiBuild.Core.FileSystem;
using PiBuild.Core.Streams;
using PiBuild.Interop;

namespace PiBuild.Core.Archives;

/// <param name="ComputeSha256">Hash the archive while unpacking it (always done when a digest is expected).</param>
/// <param name="DisplayName">What the user calls the archive (the file name of the URL), for messages; a store path is not that.</param>
/// <param name="PublishedBroken">What to say when an archive whose digest is the expected one is not whole: fetching it
/// again gives the same bytes, so the fix is its publisher's (an image's: rebuild it).</param>
internal sealed record ExtractOptions(int StripComponents = 0, string? ExpectedSha256 = null, bool ComputeSha256 = false, string? DisplayName = null, string? PublishedBroken = null);

internal sealed record ExtractResult(string Destination, ArchiveFormat Format, int Entries, long Bytes, string? Sha256);

/// <summary>
/// The one extraction path. Unpacks tar (plain, gzip, bzip2, xz) and zip into a temporary sibling of the
/// destination, keeping permission bits, modification times, sparse files' holes, name bytes, and symlinks and
/// hardlinks that stay inside; refuses absolute paths, <c>..</c>, links leading out, writes through links,
/// devices and FIFOs; drops setuid/setgid; checks every checksum the formats carry. Only a complete, verified
/// result is renamed into place.
/// </summary>
internal static class SafeExtractor
{
    private const UnixFileMode PermissionBits = (UnixFileMode)0x1FF;

    public static Task<ExtractResult> ExtractAsync(string archive, string destination, ExtractOptions options, CancellationToken cancellationToken) =>
        Task.Run(() => Extract(Path.GetFullPath(archive), Path.GetFullPath(destination), options, cancellationToken), cancellationToken);

    private static ExtractResult Extract(string archive, string destination, ExtractOptions options, CancellationToken cancellationToken)
    {
        var name = ArchiveName.Display(options.DisplayName ?? Path.GetFileName(archive));

        // A destination that is a link to a directory is followed, as tar -C follows it: the tree lands in the directory.
        if (new DirectoryInfo(destination).LinkTarget is not null && PosixFiles.KindOf(destination) == FileKind.Directory && PosixFiles.RealPath(destination) is { } real)
        {
            destination = real;
        }

        if (File.Exists(destination))
        {
            throw new ConfigurationException($"{destination} is a file; extract into a directory");
        }

        if (Directory.Exists(destination) && Directory.EnumerateFileSystemEntries(destination).Any())
        {
            throw new ConfigurationException($"{destination} already exists and is not empty; remove it or extract somewhere else");
        }

        var format = ArchiveFormatDetector.DetectFile(archive, name);
        StagingDirectory staging;
        try
        {
            staging = StagingDirectory.Create(destination);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"cannot create {destination} ({e.Message}); choose another directory", e);
        }

        using (staging)
        {
            var writer = new EntryWriter(new ExtractionTree(staging.Path, options.StripComponents), cancellationToken);
            try
            {
                string? sha256 = format == ArchiveFormat.Zip
                    ? ExtractZip(archive, writer, options)
                    : ExtractTar(archive, format, writer, options);
                if (options.ExpectedSha256 is { } expected && sha256 != expected)
                {
                    throw new WorkFailedException($"checksum mismatch for {name}: expected {expected}, got {sha256}; nothing was extracted");
                }

                writer.FinishDirectories();
                staging.MoveTo(destination);
                return new ExtractResult(destination, format, writer.Entries, writer.Bytes, sha256);
            }
            catch (HostileEntryException e)
            {
                throw new WorkFailedException($"refusing {name}: {e.Message}; nothing was extracted");
            }
            catch (PosixIOException e) when (e.Path == destination && e.Errno is Errno.DirectoryNotEmpty or Errno.Exists)
            {
                throw new WorkFailedException($"{destination} was filled by another extraction while {name} was unpacked into it; this one was discarded, the other kept");
            }
            catch (IOException e) when (PosixIOException.Classify(e.HResult) is Errno.NoSpace or Errno.QuotaExceeded)
            {
                throw new WorkFailedException($"no space left on {MountPoint(staging.Path)} for {ArchiveName.Display(writer.CurrentEntry ?? name)}{writer.Needs()}; free some space and try again; nothing was extracted", e);
            }
            catch (PosixIOException e) when (e.Errno == Errno.NameTooLong)
            {
                throw new WorkFailedException($"cannot extract {name}: entry '{ArchiveName.Display(writer.CurrentEntry ?? "")}' has a name too long for the file system of {Path.GetDirectoryName(destination)}; nothing was extracted", e);
            }
            catch (PosixIOException e) when (e.Errno is Errno.PermissionDenied or Errno.ReadOnlyFileSystem)
            {
                throw new ConfigurationException($"cannot write into {Path.GetDirectoryName(destination)} ({e.Message}); choose another directory", e);
            }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException
                                          || (e is IOException && e.InnerException is InvalidDataException))
            {
                var said = (e.InnerException as InvalidDataException ?? e).Message;
                if (options.ExpectedSha256 is { } expected && HashOf(archive) == expected)
                {
                    // The very bytes that were published: another download gives the same.
                    throw new WorkFailedException(
                        $"{name} is not a whole archive ({said}) though its SHA-256 is the one expected, so fetching it again gives the same bytes; {options.PublishedBroken ?? "it was published broken: tell its publisher"}; nothing was extracted", e);
                }

                throw new WorkFailedException($"{name} is corrupt or truncated ({said}); fetch it again; nothing was extracted", e);
            }
            catch (PosixIOException e) when (e.Errno == Errno.Exists && writer.CurrentEntry is { } entry)
            {
                // Two entries of one name that cannot both be (a directory, then a symlink): named as the archive has it.
                throw new WorkFailedException($"cannot extract {name}: entry '{ArchiveName.Display(entry)}' clashes with an entry of the same name before it; nothing was extracted", e);
            }
            catch (IOException e)
            {
                // The archive's entry, never the staging directory it was being written into.
                var what = writer.CurrentEntry is { } entry && e.HResult is > 0 and < 4096
                    ? $"entry '{ArchiveName.Display(entry)}': {Marshal.GetPInvokeErrorMessage(e.HResult)}"
                    : e.Message;
                throw new WorkFailedException($"cannot extract {name}: {what}; nothing was extracted", e);
            }
        }
    }

    private static string HashOf(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
    }

    private static string MountPoint(string path)
    {
        try
        {
            return new DriveInfo(path).Name;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return Path.GetDirectoryName(path)!;
        }
    }

    private static string? ExtractTar(string archive, ArchiveFormat format, EntryWriter writer, ExtractOptions options)
    {
        using var hash = options.ExpectedSha256 is null && !options.ComputeSha256 ? null : IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var file = new FileStream(archive, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        using var raw = hash is null ? (Stream)file : new HashingReadStream(file, hash);
        using var decoded = format switch
        {
            ArchiveFormat.Tar => raw,

            // Decoded on every core, with its own threads.
            ArchiveFormat.TarBzip2 when Bzip2Decoder.Available && Environment.ProcessorCount > 1 => new ParallelBzip2Stream(raw),
            _ => new ReadAheadStream(NativeDecoderStream.Open(format, raw)),
        };
        var reader = new TarArchiveReader(decoded);
        while (reader.Next() is { } entry)
        {
            writer.Write(entry);
        }

        // Read the compressed stream to its end: its trailer (gzip's CRC-32 and length, bzip2's stream CRC, xz's
        // index) is checked there, and bytes after the tar's end count toward the file's digest.
        decoded.CopyTo(Stream.Null);
        if (hash is null)
        {
            return null;
        }

        ((HashingReadStream)raw).Drain();
        return Convert.ToHexStringLower(hash.GetCurrentHash());
    }

    private static string? ExtractZip(string archive, EntryWriter writer, ExtractOptions options)
    {
        // Zip is read by random access: hash the file first, then unpack.
        string? sha256 = null;
        if (options.ExpectedSha256 is not null || options.ComputeSha256)
        {
            using var stream = File.OpenRead(archive);
            sha256 = Convert.ToHexStringLower(SHA256.HashData(stream));
        }

        using var zip = ZipFile.OpenRead(archive);
        foreach (var entry in zip.Entries)
        {
            if (entry.IsEncrypted)
            {
                // Not corrupt: pibuild has no password to give. Said before anything is written.
                throw new HostileEntryException(entry.FullName, "is encrypted; encrypted zip entries are not supported (decrypt the archive first, e.g. with unzip)");
            }

            var mode = (entry.ExternalAttributes >> 16) & 0xFFFF;
            var type = mode & 0xF000;
            var permissions = (UnixFileMode)(mode & 0xFFF);
            var modified = entry.LastWriteTime.ToUnixTimeSeconds();
            using var data = new CheckedZipData(entry);
            if (entry.FullName.EndsWith('/') || type == 0x4000)
            {
                writer.Write(new ArchiveMember(entry.FullName, MemberKind.Directory, mode == 0 ? (UnixFileMode)0x1ED : permissions, modified, 0, 0, "", null));
            }
            else if (type == 0xA000)
            {
                using var target = new StreamReader(data);
                writer.Write(new ArchiveMember(entry.FullName, MemberKind.Symlink, permissions, modified, 0, 0, target.ReadToEnd(), null));
            }
            else
            {
                var kind = type switch { 0 or 0x8000 => MemberKind.File, 0x1000 => MemberKind.Fifo, _ => MemberKind.CharacterDevice };
                writer.Write(new ArchiveMember(entry.FullName, kind, mode == 0 ? (UnixFileMode)0x1A4 : permissions, modified, 0, entry.Length, "", data));
            }
        }

        return sha256;
    }

    /// <summary>A zip entry's data, checked at its end against the CRC-32 and size the central directory records.</summary>
    private sealed class CheckedZipData(ZipArchiveEntry entry) : ReadOnlyStream
    {
        private readonly Crc32 _crc = new();
        private Stream? _data;
        private long _count;

        public override int Read(Span<byte> buffer)
        {
            _data ??= entry.Open();
            var read = _data.Read(buffer);
            _crc.Append(buffer[..read]);
            _count += read;
            if (read == 0 && buffer.Length > 0 && (_count != entry.Length || _crc.Value != entry.Crc32))
            {
                throw new InvalidDataException($"zip entry '{ArchiveName.Display(entry.FullName)}' does not match its recorded CRC-32 and size ({_count} bytes read, {entry.Length} recorded)");
            }

            return read;
        }

        protected override void Dispose(bool disposing)
        {
            _data?.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>Writes entries of either archive kind under the same rules.</summary>
    private sealed class EntryWriter(ExtractionTree tree, CancellationToken cancellationToken)
    {
        private readonly List<(string Path, UnixFileMode Mode, long Seconds, int Nanoseconds)> _directories = [];
        private long _freeBytes = -1;
        private long _needed;

        public int Entries { get; private set; }

        public long Bytes { get; private set; }

        /// <summary>The entry being written, for messages about it.</summary>
        public string? CurrentEntry { get; private set; }

        public string Needs() => _needed > 0 ? $" (needs {_needed} bytes, has {Math.Max(_freeBytes, 0)})" : "";

        public void Write(ArchiveMember entry)
        {
            cancellationToken.ThrowIfCancellationRequested();
            CurrentEntry = entry.Name;
            _needed = 0;
            switch (entry.Kind)
            {
                case MemberKind.Directory:
                    Directory(entry);
                    break;
                case MemberKind.File:
                    File(entry);
                    break;
                case MemberKind.Symlink:
                    Symlink(entry.Name, entry.LinkName);
                    break;
                case MemberKind.Hardlink:
                    Hardlink(entry.Name, entry.LinkName);
                    break;
                case MemberKind.CharacterDevice or MemberKind.BlockDevice:
                    throw new HostileEntryException(entry.Name, "is a device node");
                default:
                    throw new HostileEntryException(entry.Name, "is a FIFO");
            }
        }

        /// <summary>Directory modes and times are applied last: writing files into them would change both.</summary>
        public void FinishDirectories()
        {
            foreach (var (path, mode, seconds, nanoseconds) in _directories.OrderByDescending(d => d.Path.Length))
            {
                PosixFiles.SetMode(path, mode);
                PosixFiles.SetModified(path, seconds, nanoseconds);
            }
        }

        private void Directory(ArchiveMember entry)
        {
            if (tree.Place(entry.Name) is not { } relative)
            {
                return;
            }

            tree.EnsureParent(relative);
            var path = tree.FullPath(relative);
            if (tree.AddDirectory(relative))
            {
                PosixFiles.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            _directories.Add((path, entry.Mode & PermissionBits, entry.ModifiedSeconds, entry.ModifiedNanoseconds));
            Entries++;
        }

        private void File(ArchiveMember entry)
        {
            if (tree.Place(entry.Name) is not { } relative)
            {
                return;
            }

            tree.EnsureParent(relative);
            var path = tree.FullPath(relative);
            if (tree.IsFile(relative))
            {
                // A later entry of the same name replaces the earlier one, as with tar.
                PosixFiles.Delete(path);
            }

            tree.AddFile(relative, entry.Name);
            var stored = entry.Sparse?.Sum(r => r.Length) ?? entry.Size;
            EnsureSpace(stored);
            var permissions = entry.Mode & PermissionBits;
            using (var output = PosixFiles.CreateNew(path, permissions | UnixFileMode.UserWrite | UnixFileMode.UserRead))
            {
                if (entry.Data is { } data)
                {
                    foreach (var region in entry.Sparse ?? [new SparseRegion(0, entry.Size)])
                    {
                        Copy(data, output, region);
                    }

                    // The end of the data is where a zip entry's CRC-32 and size are checked.
                    if (data.ReadByte() >= 0)
                    {
                        throw new InvalidDataException($"entry '{ArchiveName.Display(entry.Name)}' has more data than its size");
                    }

                    // Holes stay holes: the file is only made as long as the archive says.
                    if (entry.Sparse is not null)
                    {
                        RandomAccess.SetLength(output, entry.Size);
                    }
                }

                // The create mode passes through the umask; set the archive's bits exactly.
                System.IO.File.SetUnixFileMode(output, permissions);
                PosixFiles.SetModified(output, path, entry.ModifiedSeconds, entry.ModifiedNanoseconds);
            }

            Bytes += entry.Size;
            _freeBytes -= stored;
            Entries++;
        }

        private void Symlink(string name, string target)
        {
            if (tree.Place(name) is not { } relative)
            {
                return;
            }

            tree.AddSymlink(relative, target, name);
            tree.EnsureParent(relative);
            PosixFiles.CreateSymbolicLink(tree.FullPath(relative), target);
            Entries++;
        }

        private void Hardlink(string name, string linkName)
        {
            if (tree.Place(name) is not { } relative)
            {
                return;
            }

            var source = tree.HardlinkSource(linkName, name);
            if (source == relative)
            {
                // GNU tar stores a file named twice (tar cf a.tar f f) as a link to itself: there is nothing to do.
                Entries++;
                return;
            }

            tree.EnsureParent(relative);
            tree.AddFile(relative, name);
            PosixFiles.Link(tree.FullPath(source), tree.FullPath(relative));
            Entries++;
        }

        private void EnsureSpace(long length)
        {
            // Free space is asked once and then counted down; it is asked again only when an entry might not fit.
            if (length <= _freeBytes)
            {
                return;
            }

            _freeBytes = new DriveInfo(tree.Root).AvailableFreeSpace;
            if (length > _freeBytes)
            {
                _needed = length;
                throw new IOException("no space left", 28);
            }
        }

        private void Copy(Stream data, Microsoft.Win32.SafeHandles.SafeFileHandle output, SparseRegion region)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(1 << 17);
            try
            {
                var offset = region.Offset;
                var remaining = region.Length;
                while (remaining > 0)
                {
                    // Checked per chunk, so that Ctrl-C stops inside one large entry too.
                    cancellationToken.ThrowIfCancellationRequested();
                    var read = data.Read(buffer, 0, (int)Math.Min(buffer.Length, remaining));
                    if (read == 0)
                    {
                        throw new InvalidDataException($"entry '{ArchiveName.Display(CurrentEntry ?? "")}' has less data than its size");
                    }

                    RandomAccess.Write(output, buffer.AsSpan(0, read), offset);
                    offset += read;
                    remaining -= read;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
