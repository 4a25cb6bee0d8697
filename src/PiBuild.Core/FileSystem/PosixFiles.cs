using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using PiBuild.Core.Archives;

namespace PiBuild.Core.FileSystem;

internal enum FileKind
{
    Regular,
    Directory,
    Fifo,
    CharacterDevice,
    BlockDevice,
    Socket,
    Other,
}

/// <summary>
/// The C library's file calls, for what .NET cannot do: create hardlinks, and name files by bytes that are not UTF-8
/// (paths here are <see cref="ArchiveName"/> strings). Failures are <see cref="PosixIOException"/>s carrying errno.
/// </summary>
internal static unsafe partial class PosixFiles
{
    private static readonly bool MacOS = OperatingSystem.IsMacOS();
    private static readonly int CreateExclusiveWrite = MacOS ? 0x1 | 0x200 | 0x800 | 0x1000000 : 0x1 | 0x40 | 0x80 | 0x80000;
    private static readonly int CurrentDirectory = MacOS ? -2 : -100;

    /// <summary>Creates <paramref name="created"/> as another name of <paramref name="existing"/>; false when the file system refuses.</summary>
    public static bool TryLink(string existing, string created)
    {
        fixed (byte* from = ArchiveName.Encode(existing), to = ArchiveName.Encode(created))
        {
            return Link(from, to) == 0;
        }
    }

    public static void Link(string existing, string created)
    {
        if (!TryLink(existing, created))
        {
            throw PosixIOException.FromLastError("create the hardlink", created);
        }
    }

    /// <summary>Creates a new regular file (never through an existing name or link) and opens it for writing.</summary>
    public static SafeFileHandle CreateNew(string path, UnixFileMode mode)
    {
        int fd;
        fixed (byte* name = ArchiveName.Encode(path))
        {
            // open64 on Linux: on 32-bit ARM plain open() would stop a file at 2 GiB (EFBIG).
            fd = MacOS ? Open(name, CreateExclusiveWrite, (int)mode) : Open64(name, CreateExclusiveWrite, (int)mode);
        }

        return fd >= 0 ? new SafeFileHandle(fd, ownsHandle: true) : throw PosixIOException.FromLastError("create", path);
    }

    /// <summary>Creates a directory; true when it was created, false when a directory was already there.</summary>
    public static bool CreateDirectory(string path, UnixFileMode mode)
    {
        fixed (byte* name = ArchiveName.Encode(path))
        {
            if (MakeDirectory(name, (int)mode) == 0)
            {
                return true;
            }
        }

        var error = PosixIOException.FromLastError("create the directory", path);
        return error.Errno == Errno.Exists && IsDirectory(path) ? false : throw error;
    }

    public static void CreateSymbolicLink(string path, string target)
    {
        fixed (byte* name = ArchiveName.Encode(path), to = ArchiveName.Encode(target))
        {
            if (Symlink(to, name) != 0)
            {
                throw PosixIOException.FromLastError("create the symlink", path);
            }
        }
    }

    public static void Delete(string path)
    {
        fixed (byte* name = ArchiveName.Encode(path))
        {
            if (Unlink(name) != 0)
            {
                throw PosixIOException.FromLastError("remove", path);
            }
        }
    }

    public static void Rename(string from, string to)
    {
        fixed (byte* source = ArchiveName.Encode(from), target = ArchiveName.Encode(to))
        {
            if (RenamePath(source, target) != 0)
            {
                throw PosixIOException.FromLastError("rename to", to);
            }
        }
    }

    public static void SetMode(string path, UnixFileMode mode)
    {
        fixed (byte* name = ArchiveName.Encode(path))
        {
            if (ChangeMode(name, (int)mode) != 0)
            {
                throw PosixIOException.FromLastError("set the mode of", path);
            }
        }
    }

    /// <summary>Sets a modification time to the second and nanosecond, beyond the years .NET's DateTime covers (as tar does).</summary>
    public static void SetModified(string path, long seconds, int nanoseconds)
    {
        var times = Times(seconds, nanoseconds);
        fixed (byte* name = ArchiveName.Encode(path))
        {
            if (SetTimes(CurrentDirectory, name, times, 0) != 0)
            {
                throw PosixIOException.FromLastError("set the time of", path);
            }
        }
    }

    public static void SetModified(SafeFileHandle file, string path, long seconds, int nanoseconds)
    {
        var times = Times(seconds, nanoseconds);
        if (SetFileTimes((int)file.DangerousGetHandle(), times) != 0)
        {
            throw PosixIOException.FromLastError("set the time of", path);
        }
    }

    /// <summary>Removes a tree without following links, whatever bytes its names are made of and whatever its modes.</summary>
    public static void DeleteTree(string path)
    {
        const int Physical = 1;
        var depthFirst = MacOS ? 4 : 8;
        fixed (byte* name = ArchiveName.Encode(path))
        {
            // First open every directory up (an archive may make them read-only), then remove children before parents.
            _ = Walk(name, &OpenUp, 16, Physical);
            if (Walk(name, &Remove, 16, Physical | depthFirst) != 0 && PosixIOException.FromLastError("remove", path) is { Errno: not Errno.NotFound } error)
            {
                throw error;
            }
        }
    }

    /// <summary>What a path is, following symlinks; null when it does not exist or the platform cannot say (macOS).</summary>
    public static FileKind? KindOf(string path)
    {
        if (MacOS)
        {
            return File.Exists(path) ? FileKind.Regular : Directory.Exists(path) ? FileKind.Directory : null;
        }

        const uint TypeOnly = 1;
        var buffer = stackalloc byte[256];
        fixed (byte* name = ArchiveName.Encode(path))
        {
            if (StatX(CurrentDirectory, name, 0, TypeOnly, buffer) != 0)
            {
                return null;
            }
        }

        // stx_mode is at offset 28 of struct statx on every Linux architecture.
        return (*(ushort*)(buffer + 28) & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0x1000 => FileKind.Fifo,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            0xC000 => FileKind.Socket,
            _ => FileKind.Other,
        };
    }

    /// <summary>The path with every symlink resolved (realpath(3)); null when it does not exist.</summary>
    public static string? RealPath(string path)
    {
        fixed (byte* name = ArchiveName.Encode(path))
        {
            var resolved = ResolvePath(name, null);
            if (resolved is null)
            {
                return null;
            }

            try
            {
                return ArchiveName.Decode(new ReadOnlySpan<byte>(resolved, System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpanFromNullTerminated(resolved).Length));
            }
            finally
            {
                NativeMemory.Free(resolved);
            }
        }
    }

    private static bool IsDirectory(string path) =>
        Directory.Exists(path) || (path.Any(c => c is >= '\uDC80' and <= '\uDCFF') && TryOpenDirectory(path));

    private static bool TryOpenDirectory(string path)
    {
        var stream = OpenDirectory(path);
        if (stream == 0)
        {
            return false;
        }

        _ = CloseDirectory(stream);
        return true;
    }

    private static nint OpenDirectory(string path)
    {
        fixed (byte* name = ArchiveName.Encode(path))
        {
            return OpenDir(name);
        }
    }

    private static TimeSpec[] Times(long seconds, int nanoseconds)
    {
        // 32-bit C libraries take a 32-bit time_t here: clamp rather than wrap.
        var clamped = sizeof(nint) == 4 ? Math.Clamp(seconds, int.MinValue, int.MaxValue) : seconds;
        var time = new TimeSpec { Seconds = new CLong((nint)clamped), Nanoseconds = new CLong(nanoseconds) };
        return [time, time];
    }

    [UnmanagedCallersOnly]
    private static int OpenUp(byte* path, nint stat, int type, nint walk)
    {
        const int DirectoryPreOrder = 1, DirectoryUnreadable = 2;
        if (type is DirectoryPreOrder or DirectoryUnreadable)
        {
            _ = ChangeMode(path, 0x1C0 | 0x1ED);
        }

        return 0;
    }

    [UnmanagedCallersOnly]
    private static int Remove(byte* path, nint stat, int type, nint walk) => RemovePath(path);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public CLong Seconds;
        public CLong Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true)]
    private static partial int Link(byte* existing, byte* created);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true)]
    private static partial int Open(byte* path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "open64", SetLastError = true)]
    private static partial int Open64(byte* path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "mkdir", SetLastError = true)]
    private static partial int MakeDirectory(byte* path, int mode);

    [LibraryImport("libc", EntryPoint = "symlink", SetLastError = true)]
    private static partial int Symlink(byte* target, byte* path);

    [LibraryImport("libc", EntryPoint = "unlink", SetLastError = true)]
    private static partial int Unlink(byte* path);

    [LibraryImport("libc", EntryPoint = "remove", SetLastError = true)]
    private static partial int RemovePath(byte* path);

    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static partial int RenamePath(byte* from, byte* to);

    [LibraryImport("libc", EntryPoint = "chmod", SetLastError = true)]
    private static partial int ChangeMode(byte* path, int mode);

    [LibraryImport("libc", EntryPoint = "utimensat", SetLastError = true)]
    private static partial int SetTimes(int directory, byte* path, TimeSpec[] times, int flags);

    [LibraryImport("libc", EntryPoint = "futimens", SetLastError = true)]
    private static partial int SetFileTimes(int fd, TimeSpec[] times);

    [LibraryImport("libc", EntryPoint = "nftw", SetLastError = true)]
    private static partial int Walk(byte* path, delegate* unmanaged<byte*, nint, int, nint, int> visit, int openFiles, int flags);

    [LibraryImport("libc", EntryPoint = "realpath", SetLastError = true)]
    private static partial byte* ResolvePath(byte* path, byte* resolved);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static partial int StatX(int directory, byte* path, int flags, uint mask, byte* result);

    [LibraryImport("libc", EntryPoint = "opendir", SetLastError = true)]
    private static partial nint OpenDir(byte* path);

    [LibraryImport("libc", EntryPoint = "closedir")]
    private static partial int CloseDirectory(nint stream);
}
