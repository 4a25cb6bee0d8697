using System.Runtime.InteropServices;

namespace PiBuild.Core.FileSystem;

/// <summary>link(2): a second name for a file, without copying it (.NET has no managed API for it).</summary>
internal static partial class HardLink
{
    /// <summary>Creates <paramref name="created"/> as another name of <paramref name="existing"/>; false when the file system refuses.</summary>
    public static bool TryCreate(string existing, string created) => Link(existing, created) == 0;

    public static void Create(string existing, string created)
    {
        if (!TryCreate(existing, created))
        {
            throw new IOException($"cannot create the hardlink {created} -> {existing} (errno {Marshal.GetLastPInvokeError()})");
        }
    }

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existing, string created);
}
