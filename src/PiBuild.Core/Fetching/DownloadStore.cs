using PiBuild.Core.Digests;
using PiBuild.Core.FileSystem;

namespace PiBuild.Core.Fetching;

/// <summary>
/// The download cache: <c>downloads/sha256/&lt;hex&gt;</c> holds only files whose name is their SHA-256;
/// <c>downloads/partial/</c> holds downloads in progress (resumable); <c>downloads/locks/</c> keeps two pibuild
/// processes from downloading the same thing at once.
/// </summary>
internal sealed class DownloadStore(string root)
{
    public string Root => root;

    public string StoreDirectory => Path.Combine(root, "sha256");

    public string PartialDirectory => Path.Combine(root, "partial");

    public static DownloadStore For(PiBuildPaths paths) => new(Path.Combine(paths.CacheDirectory, "downloads"));

    public string PathFor(string sha256) => Path.Combine(StoreDirectory, sha256);

    public string? Find(string sha256) => File.Exists(PathFor(sha256)) ? PathFor(sha256) : null;

    public string PartialPath(string key) => Path.Combine(PartialDirectory, key + ".partial");

    /// <summary>
    /// Moves a verified file into the store under its digest (the rename is atomic, so readers see all or nothing) and
    /// drops the resume record a download kept beside it.
    /// </summary>
    public string Commit(string verifiedFile, string sha256)
    {
        Directory.CreateDirectory(StoreDirectory);
        var destination = PathFor(sha256);
        File.Move(verifiedFile, destination, overwrite: true);
        File.Delete(PartialDownload.MetadataPath(verifiedFile));
        return destination;
    }

    /// <summary>
    /// The digest of the last unverified (--insecure) download of a URL, if it finished after <paramref name="since"/>:
    /// processes that waited for the same download share it, and a later command downloads afresh.
    /// </summary>
    public string? FindByUrl(string urlKey, DateTime since)
    {
        var record = Path.Combine(root, "by-url", urlKey);
        try
        {
            return File.GetLastWriteTimeUtc(record) >= since && File.ReadAllText(record).Trim() is var digest && Sha256Hex.IsValid(digest) ? digest : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void RecordUrl(string urlKey, string sha256)
    {
        var directory = Path.Combine(root, "by-url");
        Directory.CreateDirectory(directory);
        var record = Path.Combine(directory, urlKey);
        File.WriteAllText(record + ".tmp", sha256 + "\n");
        File.Move(record + ".tmp", record, overwrite: true);
    }

    /// <summary>Creates the store's directories, turning "cannot write" into one clear line.</summary>
    public void EnsureWritable()
    {
        foreach (var directory in new[] { StoreDirectory, PartialDirectory, Path.Combine(root, "locks") })
        {
            WritableDirectory.Ensure(directory, "the download cache", "set PIBUILD_CACHE_DIR or XDG_CACHE_HOME to a writable directory");
        }
    }

    /// <summary>
    /// Holds an exclusive lock on <paramref name="key"/> until disposed. .NET takes an advisory lock (flock) for
    /// FileShare.None on Unix; the kernel releases it when a process dies, so a killed pibuild never leaves it held.
    /// </summary>
    public async Task<IDisposable> LockAsync(string key, CancellationToken cancellationToken)
    {
        var locks = Path.Combine(root, "locks");
        WritableDirectory.Ensure(locks, "the download cache", "set PIBUILD_CACHE_DIR or XDG_CACHE_HOME to a writable directory");
        var path = Path.Combine(locks, key + ".lock");
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException e) when (e is not (DirectoryNotFoundException or FileNotFoundException or PathTooLongException) && !cancellationToken.IsCancellationRequested)
            {
                // Held by another pibuild: wait for it (it is released when that process ends, however it ends).
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
