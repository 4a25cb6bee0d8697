using System.Security.Cryptography;
using System.Text;
using PiBuild.Core.Devices;
using PiBuild.Core.Fetching;
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
