using PiBuild.Interop;

namespace PiBuild.Core.FileSystem;

/// <summary>Whether pibuild may write into a directory, asked of the kernel (access(2)) rather than by writing into it.</summary>
internal static class WritableDirectory
{
    /// <summary>True when the directory exists and this user may create files in it (a read-only mount says no).</summary>
    public static bool IsWritable(string directory) => Directory.Exists(directory) && Libc.MayWrite(directory);

    /// <summary>Creates the directory when missing and proves it writable, or says which it is and the fix.</summary>
    public static void Ensure(string directory, string what, string fix)
    {
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"cannot write {what} {directory} ({e.Message}); {fix}", e);
        }

        if (!IsWritable(directory))
        {
            throw new ConfigurationException($"cannot write {what} {directory} (not writable for this user, or a read-only file system); {fix}");
        }
    }
}
