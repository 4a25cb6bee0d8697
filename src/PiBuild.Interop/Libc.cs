using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace PiBuild.Interop;

/// <summary>What a path is, as statx(2) says.</summary>
internal enum FileKind
{
    Regular,
    Directory,
    Fifo,
    CharacterDevice,
    BlockDevice,
    Socket,
    SymbolicLink,
    Other,
}

/// <summary>
/// The Linux C library's calls pibuild needs where .NET has none: hardlinks, exclusive creation, names made of bytes
/// that are not UTF-8, times beyond DateTime, a tree removed without following links, signals to process groups.
/// Paths are NUL-terminated bytes. A call that fails returns false (or -1, or null) and leaves errno for
/// <see cref="Marshal.GetLastPInvokeError"/>.
/// </summary>
internal static unsafe partial class Libc
{
    // Linux's numbers (asm-generic, the same on x86-64, arm and arm64).
    private const int WriteOnly = 0x1;
    private const int Create = 0x40;
    private const int Exclusive = 0x80;
    private const int CloseOnExec = 0x80000;
    private const int CurrentDirectory = -100;
    private const int WriteAccess = 2;
    private const uint StatxType = 0x1;
    private const int StatxDontFollowLinks = 0x100;
    private const int WalkPhysical = 1;
    private const int WalkDepthFirst = 8;
    private const int WalkOpenFiles = 16;
    private const int WalkDirectoryPreOrder = 1;
    private const int WalkDirectoryUnreadable = 2;
    private const ushort TypeMask = 0xF000;

    /// <summary>
    /// pibuild drives Linux's /proc and these calls; elsewhere it stops with this one line rather than run code that
    /// was never tested there.
    /// </summary>
    public static string? UnsupportedSystem => OperatingSystem.IsLinux()
        ? null
        : $"pibuild runs on Linux (it reads /proc and uses Linux's file calls), not on {RuntimeInformation.OSDescription}; run it in a Linux VM or container";

    public static bool Link(ReadOnlySpan<byte> existing, ReadOnlySpan<byte> created)
    {
        fixed (byte* from = Terminated(existing), to = Terminated(created))
        {
            return LinkPath(from, to) == 0;
        }
    }

    /// <summary>A new regular file opened for writing, never through an existing name or link (O_CREAT|O_EXCL); null on failure.</summary>
    public static SafeFileHandle? CreateExclusive(ReadOnlySpan<byte> path, int mode)
    {
        fixed (byte* name = Terminated(path))
        {
            // open64: on 32-bit ARM plain open() would stop a file at 2 GiB (EFBIG).
            var fd = Open64(name, WriteOnly | Create | Exclusive | CloseOnExec, mode);
            return fd >= 0 ? new SafeFileHandle(fd, ownsHandle: true) : null;
        }
    }

    public static bool MakeDirectory(ReadOnlySpan<byte> path, int mode)
    {
        fixed (byte* name = Terminated(path))
        {
            return MakeDirectoryAt(name, mode) == 0;
        }
    }

    public static bool Symlink(ReadOnlySpan<byte> target, ReadOnlySpan<byte> path)
    {
        fixed (byte* to = Terminated(target), name = Terminated(path))
        {
            return SymlinkAt(to, name) == 0;
        }
    }

    public static bool Unlink(ReadOnlySpan<byte> path)
    {
        fixed (byte* name = Terminated(path))
        {
            return UnlinkPath(name) == 0;
        }
    }

    public static bool Rename(ReadOnlySpan<byte> from, ReadOnlySpan<byte> to)
    {
        fixed (byte* source = Terminated(from), target = Terminated(to))
        {
            return RenamePath(source, target) == 0;
        }
    }

    public static bool ChangeMode(ReadOnlySpan<byte> path, int mode)
    {
        fixed (byte* name = Terminated(path))
        {
            return ChangeModePath(name, mode) == 0;
        }
    }

    /// <summary>Sets access and modification time to the second and nanosecond (utimensat), beyond DateTime's years.</summary>
    public static bool SetTimes(ReadOnlySpan<byte> path, long seconds, int nanoseconds)
    {
        var times = Times(seconds, nanoseconds);
        fixed (byte* name = Terminated(path))
        {
            return SetTimesAt(CurrentDirectory, name, times, 0) == 0;
        }
    }

    public static bool SetTimes(SafeFileHandle file, long seconds, int nanoseconds)
    {
        var added = false;
        file.DangerousAddRef(ref added);
        try
        {
            return SetFileTimes((int)file.DangerousGetHandle(), Times(seconds, nanoseconds)) == 0;
        }
        finally
        {
            if (added)
            {
                file.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// Removes a tree without following links (nftw, physical, depth first), after opening up every directory in it (an
    /// archive may have made them read-only). True when it is gone; false with errno set otherwise.
    /// </summary>
    public static bool RemoveTree(ReadOnlySpan<byte> path)
    {
        fixed (byte* name = Terminated(path))
        {
            _ = Walk(name, &OpenUp, WalkOpenFiles, WalkPhysical);
            return Walk(name, &Remove, WalkOpenFiles, WalkPhysical | WalkDepthFirst) == 0;
        }
    }

    /// <summary>What a path is (following links unless <paramref name="followLinks"/> is false); null when it cannot be read.</summary>
    public static FileKind? KindOf(ReadOnlySpan<byte> path, bool followLinks = true)
    {
        Statx result;
        fixed (byte* name = Terminated(path))
        {
            if (StatxAt(CurrentDirectory, name, followLinks ? 0 : StatxDontFollowLinks, StatxType, &result) != 0)
            {
                return null;
            }
        }

        return (result.Mode & TypeMask) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0x1000 => FileKind.Fifo,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            0xA000 => FileKind.SymbolicLink,
            0xC000 => FileKind.Socket,
            _ => FileKind.Other,
        };
    }

    /// <summary>The path with every link resolved (realpath(3)), without its NUL; null when it does not exist.</summary>
    public static byte[]? RealPath(ReadOnlySpan<byte> path)
    {
        fixed (byte* name = Terminated(path))
        {
            var resolved = ResolvePath(name, null);
            if (resolved is null)
            {
                return null;
            }

            try
            {
                return MemoryMarshal.CreateReadOnlySpanFromNullTerminated(resolved).ToArray();
            }
            finally
            {
                NativeMemory.Free(resolved);
            }
        }
    }

    /// <summary>Whether the path is a directory this process can open (for names .NET cannot pass).</summary>
    public static bool CanOpenDirectory(ReadOnlySpan<byte> path)
    {
        fixed (byte* name = Terminated(path))
        {
            var stream = OpenDirectory(name);
            if (stream == 0)
            {
                return false;
            }

            _ = CloseDirectory(stream);
            return true;
        }
    }

    /// <summary>Whether this user may create files in the directory (access(2) W_OK; a read-only mount says no).</summary>
    public static bool MayWrite(string directory) => Access(directory, WriteAccess) == 0;

    /// <summary>Sends a signal; false when the process is gone or not ours.</summary>
    public static bool Signal(int pid, int signal) => Kill(pid, signal) == 0;

    /// <summary>The foreground process group of the terminal on <paramref name="fd"/>; negative when it is not a terminal.</summary>
    public static int TerminalForegroundGroup(int fd) => GetTerminalForegroundGroup(fd);

    public static int ProcessGroup() => GetProcessGroup();

    private static ReadOnlySpan<byte> Terminated(ReadOnlySpan<byte> path) =>
        !path.IsEmpty && path[^1] == 0 ? path : throw new ArgumentException("a C path must end with NUL", nameof(path));

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
        if (type is WalkDirectoryPreOrder or WalkDirectoryUnreadable)
        {
            _ = ChangeModePath(path, 0x1ED | 0x1C0);
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

    /// <summary>struct statx_timestamp.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct StatxTimestamp
    {
        public long Seconds;
        public uint Nanoseconds;
        public int Reserved;
    }

    /// <summary>struct statx (linux/stat.h): 256 bytes on every architecture, the fields pibuild reads named.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 256)]
    private struct Statx
    {
        public uint Mask;
        public uint BlockSize;
        public ulong Attributes;
        public uint Links;
        public uint Uid;
        public uint Gid;
        public ushort Mode;
        public ushort Spare0;
        public ulong Inode;
        public ulong Size;
        public ulong Blocks;
        public ulong AttributesMask;
        public StatxTimestamp Accessed;
        public StatxTimestamp Born;
        public StatxTimestamp Changed;
        public StatxTimestamp Modified;
    }

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true)]
    private static partial int LinkPath(byte* existing, byte* created);

    [LibraryImport("libc", EntryPoint = "open64", SetLastError = true)]
    private static partial int Open64(byte* path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "mkdir", SetLastError = true)]
    private static partial int MakeDirectoryAt(byte* path, int mode);

    [LibraryImport("libc", EntryPoint = "symlink", SetLastError = true)]
    private static partial int SymlinkAt(byte* target, byte* path);

    [LibraryImport("libc", EntryPoint = "unlink", SetLastError = true)]
    private static partial int UnlinkPath(byte* path);

    [LibraryImport("libc", EntryPoint = "remove", SetLastError = true)]
    private static partial int RemovePath(byte* path);

    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static partial int RenamePath(byte* from, byte* to);

    [LibraryImport("libc", EntryPoint = "chmod", SetLastError = true)]
    private static partial int ChangeModePath(byte* path, int mode);

    [LibraryImport("libc", EntryPoint = "utimensat", SetLastError = true)]
    private static partial int SetTimesAt(int directory, byte* path, TimeSpec[] times, int flags);

    [LibraryImport("libc", EntryPoint = "futimens", SetLastError = true)]
    private static partial int SetFileTimes(int fd, TimeSpec[] times);

    [LibraryImport("libc", EntryPoint = "nftw", SetLastError = true)]
    private static partial int Walk(byte* path, delegate* unmanaged<byte*, nint, int, nint, int> visit, int openFiles, int flags);

    [LibraryImport("libc", EntryPoint = "realpath", SetLastError = true)]
    private static partial byte* ResolvePath(byte* path, byte* resolved);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static partial int StatxAt(int directory, byte* path, int flags, uint mask, Statx* result);

    [LibraryImport("libc", EntryPoint = "opendir", SetLastError = true)]
    private static partial nint OpenDirectory(byte* path);

    [LibraryImport("libc", EntryPoint = "closedir")]
    private static partial int CloseDirectory(nint stream);

    [LibraryImport("libc", EntryPoint = "access", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Access(string path, int mode);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "tcgetpgrp")]
    private static partial int GetTerminalForegroundGroup(int fd);

    [LibraryImport("libc", EntryPoint = "getpgrp")]
    private static partial int GetProcessGroup();
}
