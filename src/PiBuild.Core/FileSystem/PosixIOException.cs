using System.Runtime.InteropServices;

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

    /// <summary>Classifies a Linux errno, or a .NET IOException's HResult (which carries it).</summary>
    public static Errno Classify(int code) => code switch
    {
        2 => Errno.NotFound,
        17 => Errno.Exists,
        28 => Errno.NoSpace,
        20 => Errno.NotADirectory,
        21 => Errno.IsADirectory,
        30 => Errno.ReadOnlyFileSystem,
        13 or 1 => Errno.PermissionDenied,
        36 => Errno.NameTooLong,
        122 => Errno.QuotaExceeded,
        39 => Errno.DirectoryNotEmpty,
        _ => Errno.Other,
    };
}
