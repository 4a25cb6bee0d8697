using System.Runtime.InteropServices;
using PiBuild.Core.Archives;

namespace PiBuild.Core.FileSystem;

/// <summary>The errors a file operation's cause decides the message of; the rest are <see cref="Other"/>.</summary>
internal enum Errno
{
    Other,
    NotFound,
    Exists,
    NoSpace,
    QuotaExceeded,
    NameTooLong,
    NotADirectory,
    IsADirectory,
    ReadOnlyFileSystem,
    PermissionDenied,
    DirectoryNotEmpty,
}

/// <summary>A failed C library file call: what was attempted, on which path, and errno.</summary>
internal sealed class PosixIOException(string action, string path, int code)
    : IOException($"cannot {action} {ArchiveName.Display(path)}: {Marshal.GetPInvokeErrorMessage(code)}", code)
{
    public string Path { get; } = path;

    public Errno Errno { get; } = Classify(code);

    public static PosixIOException FromLastError(string action, string path) => new(action, path, Marshal.GetLastPInvokeError());

    /// <summary>Classifies an errno (Linux and macOS number them differently) or a .NET IOException's HResult.</summary>
    public static Errno Classify(int code) => (OperatingSystem.IsMacOS(), code) switch
    {
        (_, 2) => Errno.NotFound,
        (_, 17) => Errno.Exists,
        (_, 28) => Errno.NoSpace,
        (_, 20) => Errno.NotADirectory,
        (_, 21) => Errno.IsADirectory,
        (_, 30) => Errno.ReadOnlyFileSystem,
        (_, 13 or 1) => Errno.PermissionDenied,
        (false, 36) or (true, 63) => Errno.NameTooLong,
        (false, 122) or (true, 69) => Errno.QuotaExceeded,
        (false, 39) or (true, 66) => Errno.DirectoryNotEmpty,
        _ => Errno.Other,
    };
}
