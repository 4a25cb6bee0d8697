using System.Buffers;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using PiBuild.Core.FileSystem;
using PiBuild.Core.Streams;
using SharpCompress.Compressors.BZip2;
using SharpCompress.Compressors.Xz;

namespace PiBuild.Core.Archives;

/// <param name="ComputeSha256">Hash the archive while unpacking it (always done when a digest is expected).</param>
internal sealed record ExtractOptions(int StripComponents = 0, string? ExpectedSha256 = null, bool ComputeSha256 = false);

public sealed record ExtractResult(string Destination, ArchiveFormat Format, int Entries, long Bytes, string? Sha256);

/// <summary>
/// The one extraction path. Unpacks tar (plain, gzip, bzip2, xz) and zip into a temporary sibling of the
/// destination, keeping permission bits, modification times, and symlinks and hardlinks that stay inside;
/// refuses absolute paths, <c>..</c>, links leading out, writes through links, devices and FIFOs; drops
/// setuid/setgid. Only a complete, verified result is renamed into place.
/// </summary>
internal static class SafeExtractor
{
    private const UnixFileMode PermissionBits = (UnixFileMode)0x1FF;
    private const int ENOSPC = 28;

    public static Task<ExtractResult> ExtractAsync(string archive, string destination, ExtractOptions options, CancellationToken cancellationToken) =>
        Task.Run(() => Extract(Path.GetFullPath(archive), Path.GetFullPath(destination), options, cancellationToken), cancellationToken);

    private static ExtractResult Extract(string archive, string destination, ExtractOptions options, CancellationToken cancellationToken)
    {
        if (Directory.Exists(destination) && Directory.EnumerateFileSystemEntries(destination).Any())
        {
            throw new ConfigurationException($"{destination} already exists and is not empty; remove it or extract somewhere else");
        }

        var format = ArchiveFormatDetector.DetectFile(archive);
        var parent = Path.GetDirectoryName(destination)!;
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
            try
            {
                var tree = new ExtractionTree(staging.Path, options.StripComponents);
                var writer = new EntryWriter(tree, cancellationToken);
                string? sha256 = format == ArchiveFormat.Zip
                    ? ExtractZip(archive, writer, options)
                    : ExtractTar(archive, format, writer, options);
                if (options.ExpectedSha256 is { } expected && sha256 != expected)
                {
                    throw new WorkFailedException($"checksum mismatch for {Path.GetFileName(archive)}: expected {expected}, got {sha256}; nothing was extracted");
                }

                writer.FinishDirectories();
                staging.ReplaceDirectory(destination);
                return new ExtractResult(destination, format, writer.Entries, writer.Bytes, sha256);
            }
            catch (HostileEntryException e)
            {
                throw new WorkFailedException($"refusing {Path.GetFileName(archive)}: {e.Message}; nothing was extracted");
            }
            catch (IOException e) when (IsDiskFull(e))
            {
                throw new WorkFailedException($"not enough disk space to extract {Path.GetFileName(archive)} into {parent}; free some space and try again", e);
            }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or IOException
                                          || e.GetType().Namespace?.StartsWith("SharpCompress", StringComparison.Ordinal) == true)
            {
                throw new WorkFailedException($"{Path.GetFileName(archive)} is corrupt or truncated ({e.Message}); fetch it again", e);
            }
        }
    }

    private static string? ExtractTar(string archive, ArchiveFormat format, EntryWriter writer, ExtractOptions options)
    {
        using var hash = options.ExpectedSha256 is null && !options.ComputeSha256 ? null : IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var file = new FileStream(archive, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        using var raw = hash is null ? (Stream)file : new HashingReadStream(file, hash);
        using var decoded = format switch
        {
            ArchiveFormat.TarGzip => new ReadAheadStream(new GZipStream(raw, CompressionMode.Decompress, leaveOpen: true)),
            ArchiveFormat.TarBzip2 => new ReadAheadStream(BZip2Stream.Create(raw, SharpCompress.Compressors.CompressionMode.Decompress, decompressConcatenated: true, leaveOpen: true, tolerateTruncatedStream: false)),
            ArchiveFormat.TarXz => new ReadAheadStream(new XZStream(raw)),
            _ => raw,
        };

        using (var reader = new TarReader(decoded, leaveOpen: true))
        {
            while (reader.GetNextEntry(copyData: false) is { } entry)
            {
                writer.Write(entry);
            }
        }

        if (hash is null)
        {
            return null;
        }

        // Hash every byte of the file: what the decoders left unread (tar padding, trailing bytes) too.
        decoded.CopyTo(Stream.Null);
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
            writer.Write(entry);
        }

        return sha256;
    }

    private static bool IsDiskFull(IOException e) =>
        e.HResult == ENOSPC || e.Message.Contains("No space left on device", StringComparison.Ordinal);

    /// <summary>Writes entries of either archive kind under the same rules.</summary>
    private sealed class EntryWriter(ExtractionTree tree, CancellationToken cancellationToken)
    {
        private readonly List<(string Path, UnixFileMode Mode, DateTime ModifiedUtc)> _directories = [];
        private long _freeBytes = -1;

        public int Entries { get; private set; }

        public long Bytes { get; private set; }

        public void Write(TarEntry entry)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = entry.Name;
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    Directory(name, entry.Mode, entry.ModificationTime.UtcDateTime);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    File(name, entry.Mode, entry.ModificationTime.UtcDateTime, entry.Length, entry.DataStream);
                    break;
                case TarEntryType.SymbolicLink:
                    Symlink(name, entry.LinkName);
                    break;
                case TarEntryType.HardLink:
                    Hardlink(name, entry.LinkName);
                    break;
                case TarEntryType.CharacterDevice or TarEntryType.BlockDevice:
                    throw new HostileEntryException(name, "is a device node");
                case TarEntryType.Fifo:
                    throw new HostileEntryException(name, "is a FIFO");
                default:
                    throw new HostileEntryException(name, $"has the unsupported type {entry.EntryType}");
            }
        }

        public void Write(ZipArchiveEntry entry)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var mode = (entry.ExternalAttributes >> 16) & 0xFFFF;
            var type = mode & 0xF000;
            var permissions = (UnixFileMode)(mode & 0xFFF);
            var modified = entry.LastWriteTime.UtcDateTime;
            if (entry.FullName.EndsWith('/') || type == 0x4000)
            {
                Directory(entry.FullName, mode == 0 ? (UnixFileMode)0x1ED : permissions, modified);
            }
            else if (type == 0xA000)
            {
                using var reader = new StreamReader(entry.Open());
                Symlink(entry.FullName, reader.ReadToEnd());
            }
            else if (type is 0 or 0x8000)
            {
                using var data = entry.Open();
                File(entry.FullName, mode == 0 ? (UnixFileMode)0x1A4 : permissions, modified, entry.Length, data);
            }
            else
            {
                throw new HostileEntryException(entry.FullName, type == 0x1000 ? "is a FIFO" : "is a device node");
            }
        }

        /// <summary>Directory modes and times are applied last: writing files into them would change both.</summary>
        public void FinishDirectories()
        {
            foreach (var (path, mode, modified) in _directories.OrderByDescending(d => d.Path.Length))
            {
                System.IO.File.SetUnixFileMode(path, mode);
                System.IO.Directory.SetLastWriteTimeUtc(path, modified);
            }
        }

        private void Directory(string name, UnixFileMode mode, DateTime modifiedUtc)
        {
            if (tree.Place(name) is not { } relative)
            {
                return;
            }

            tree.EnsureParent(relative);
            var path = tree.FullPath(relative);
            if (tree.AddDirectory(relative))
            {
                System.IO.Directory.CreateDirectory(path);
            }

            _directories.Add((path, mode & PermissionBits, modifiedUtc));
            Entries++;
        }

        private void File(string name, UnixFileMode mode, DateTime modifiedUtc, long length, Stream? data)
        {
            if (tree.Place(name) is not { } relative)
            {
                return;
            }

            tree.EnsureParent(relative);
            var path = tree.FullPath(relative);
            if (tree.IsFile(relative))
            {
                // A later entry of the same name replaces the earlier one, as with tar.
                System.IO.File.Delete(path);
            }

            tree.AddFile(relative, name);
            EnsureSpace(name, length);
            var permissions = mode & PermissionBits;
            using (var output = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                BufferSize = 0,
                PreallocationSize = length,
                UnixCreateMode = permissions | UnixFileMode.UserWrite | UnixFileMode.UserRead,
            }))
            {
                if (data is not null)
                {
                    Copy(data, output);
                }

                // The create mode passes through the umask; set the archive's bits exactly.
                System.IO.File.SetUnixFileMode(output.SafeFileHandle, permissions);
                System.IO.File.SetLastWriteTimeUtc(output.SafeFileHandle, modifiedUtc);
            }

            Bytes += length;
            _freeBytes -= length;
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
            System.IO.File.CreateSymbolicLink(tree.FullPath(relative), target);
            Entries++;
        }

        private void Hardlink(string name, string linkName)
        {
            if (tree.Place(name) is not { } relative)
            {
                return;
            }

            var source = tree.HardlinkSource(linkName, name);
            tree.EnsureParent(relative);
            tree.AddFile(relative, name);
            HardLink.Create(tree.FullPath(source), tree.FullPath(relative));

            Entries++;
        }

        private void EnsureSpace(string name, long length)
        {
            // Free space is asked once and then counted down; it is asked again only when an entry might not fit.
            if (length <= _freeBytes)
            {
                return;
            }

            _freeBytes = new DriveInfo(tree.Root).AvailableFreeSpace;
            if (length > _freeBytes)
            {
                throw new IOException($"No space left on device: entry '{name}' needs {length} bytes, {_freeBytes} are free", ENOSPC);
            }
        }

        private void Copy(Stream data, FileStream output)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(1 << 17);
            try
            {
                int read;
                while ((read = data.Read(buffer)) > 0)
                {
                    output.Write(buffer, 0, read);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
