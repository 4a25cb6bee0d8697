using System.Security.Cryptography;
using System.Text;
using PiBuild.Core.Devices;
using PiBuild.Core.Digests;
using PiBuild.Core.FileSystem;

namespace PiBuild.Core.Go;

/// <summary>
/// One SHA-256 for a sysroot's content, for a release manifest: every entry in name order, as a line of its kind,
/// path, permissions and (a file) size and SHA-256 or (a link) target. Times, owners and where the sysroot lies do not
/// count, nor pibuild's own copy manifest: two copies of one Pi's system give one digest.
/// </summary>
internal static class SysrootDigest
{
    public static async Task<string> ComputeAsync(string root, CancellationToken cancellationToken)
    {
        using var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await AddDirectoryAsync(digest, new DirectoryInfo(root), "", cancellationToken).ConfigureAwait(false);
        return Sha256Hex.Of(digest);
    }

    /// <summary>
    /// A cheap mark of a sysroot's state for go's build cache, which never looks at headers outside the package: a
    /// header changed in the sysroot would otherwise leave cgo code compiled against the old one. The hash of pibuild's
    /// copy manifest when the sysroot came from <c>pibuild sysroot</c> (it changes with every file the copy changes),
    /// else of every entry's path, size and modification time.
    /// </summary>
    public static string Stamp(string root)
    {
        var manifest = Path.Combine(root, SysrootCopy.ManifestName);
        if (File.Exists(manifest))
        {
            return Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(manifest)))[..16];
        }

        using var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var entries = new DirectoryInfo(root).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(e => $"{Path.GetRelativePath(root, e.FullName)} {(e is FileInfo f ? f.Length : 0)} {e.LastWriteTimeUtc.Ticks} {e.LinkTarget}")
            .Order(StringComparer.Ordinal);
        foreach (var line in entries)
        {
            Add(digest, line);
        }

        return Sha256Hex.Of(digest)[..16];
    }

    private static async Task AddDirectoryAsync(IncrementalHash digest, DirectoryInfo directory, string relative, CancellationToken cancellationToken)
    {
        var entries = directory.EnumerateFileSystemInfos()
            .Where(e => relative.Length > 0 || e.Name != SysrootCopy.ManifestName)
            .OrderBy(e => e.Name, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var path = relative + "/" + entry.Name;
            var mode = Convert.ToString((int)entry.UnixFileMode, 8);
            if (entry.LinkTarget is { } target)
            {
                Add(digest, $"l {path} -> {target}");
            }
            else if (entry is DirectoryInfo child)
            {
                Add(digest, $"d {path} {mode}");
                await AddDirectoryAsync(digest, child, path, cancellationToken).ConfigureAwait(false);
            }
            else if (entry is FileInfo file && PosixFiles.KindOf(file.FullName) == FileKind.Regular)
            {
                var sha = await Sha256Hex.OfFileAsync(file.FullName, cancellationToken).ConfigureAwait(false);
                Add(digest, $"f {path} {mode} {file.Length} {sha}");
            }
        }
    }

    private static void Add(IncrementalHash digest, string line) => digest.AppendData(Encoding.UTF8.GetBytes(line + "\n"));
}
