global using FileKind = PiBuild.Interop.FileKind;
using Microsoft.Win32.SafeHandles;
using PiBuild.Interop;

namespace PiBuild.Core.FileSystem;

/// <summary>
/// Files by name for what .NET cannot do: create hardlinks, and name files by bytes that are not UTF-8 (paths here are
/// <see cref="ArchiveName"/> strings). The C calls are <see cref="Libc"/>'s; failures are <see cref="PosixIOException"/>s
/// carrying errno.
/// </summary>
internal static class PosixFiles
{
    /// <summary>Creates <paramref name="created"/> as another name of <paramref name="existing"/>; false when the file system refuses.</summary>
    public static bool TryLink(string existing, string created) => Libc.Link(ArchiveName.Encode(existing), ArchiveName.Encode(created));

    public static void Link(string existing, string created)
    {
        if (!TryLink(existing, created))
        {
            throw PosixIOException.FromLastError("create the hardlink", created);
        }
    }

    /// <summary>Creates a new regular file (never through an existing name or link) and opens it for writing.</summary>
    public static SafeFileHandle CreateNew(string path, UnixFileMode mode) =>
        Libc.CreateExclusive(ArchiveName.Encode(path), (int)mode) ?? throw PosixIOException.FromLastError("create", path);

    /// <summary>Creates a directory; true when it was created, false when a directory was already there.</summary>
    public static bool CreateDirectory(string path, UnixFileMode mode)
    {
        if (Libc.MakeDirectory(ArchiveName.Encode(path), (int)mode))
        {
            return true;
        }

        var error = PosixIOException.FromLastError("create the directory", path);
        return error.Errno == Errno.Exists && IsDirectory(path) ? false : throw error;
    }

    public static void CreateSymbolicLink(string path, string target)
    {
        if (!Libc.Symlink(ArchiveName.Encode(target), ArchiveName.Encode(path)))
        {
            throw PosixIOException.FromLastError("create the symlink", path);
        }
    }

    public static void Delete(string path)
    {
        if (!Libc.Unlink(ArchiveName.Encode(path)))
        {
            throw PosixIOException.FromLastError("remove", path);
        }
    }

    public static void Rename(string from, string to)
    {
        if (!Libc.Rename(ArchiveName.Encode(from), ArchiveName.Encode(to)))
        {
            throw PosixIOException.FromLastError("rename to", to);
        }
    }

    public static void SetMode(string path, UnixFileMode mode)
    {
        if (!Libc.ChangeMode(ArchiveName.Encode(path), (int)mode))
        {
            throw PosixIOException.FromLastError("set the mode of", path);
        }
    }

    /// <summary>Sets a modification time to the second and nanosecond, beyond the years .NET's DateTime covers (as tar does).</summary>
    public static void SetModified(string path, long seconds, int nanoseconds)
    {
        if (!Libc.SetTimes(ArchiveName.Encode(path), seconds, nanoseconds))
        {
            throw PosixIOException.FromLastError("set the time of", path);
        }
    }

    public static void SetModified(SafeFileHandle file, string path, long seconds, int nanoseconds)
    {
        if (!Libc.SetTimes(file, seconds, nanoseconds))
        {
            throw PosixIOException.FromLastError("set the time of", path);
        }
    }

    /// <summary>Removes a tree without following links, whatever bytes its names are made of and whatever its modes.</summary>
    public static void DeleteTree(string path)
    {
        if (!Libc.RemoveTree(ArchiveName.Encode(path)) && PosixIOException.FromLastError("remove", path) is { Errno: not Errno.NotFound } error)
        {
            throw error;
        }
    }

    /// <summary>What a path is, following symlinks; null when it does not exist.</summary>
    public static FileKind? KindOf(string path) => Libc.KindOf(ArchiveName.Encode(path));

    /// <summary>The path with every symlink resolved (realpath(3)); null when it does not exist.</summary>
    public static string? RealPath(string path) => Libc.RealPath(ArchiveName.Encode(path)) is { } resolved ? ArchiveName.Decode(resolved) : null;

    private static bool IsDirectory(string path) =>
        Directory.Exists(path) || (path.Any(c => c is >= '\uDC80' and <= '\uDCFF') && Libc.CanOpenDirectory(ArchiveName.Encode(path)));
}
