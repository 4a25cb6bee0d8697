using PiBuild.Core.FileSystem;
namespace PiBuild.Core.Archives;

internal enum MemberKind
{
    File,
    Directory,
    Symlink,
    Hardlink,
    CharacterDevice,
    BlockDevice,
    Fifo,
}

/// <summary>One region of a sparse file's data: <paramref name="Length"/> bytes at <paramref name="Offset"/>; the rest are holes.</summary>
internal readonly record struct SparseRegion(long Offset, long Length);

/// <summary>
/// An archive member as pibuild writes it, whichever format it came from. Names are <see cref="ArchiveName"/> strings.
/// <paramref name="Size"/> is the file's size on disk; <paramref name="Data"/> holds its bytes, or for a sparse file
/// (<paramref name="Sparse"/> not null) only the regions' bytes, one after another.
/// </summary>
internal sealed record ArchiveMember(
    string Name,
    MemberKind Kind,
    UnixFileMode Mode,
    long ModifiedSeconds,
    int ModifiedNanoseconds,
    long Size,
    string LinkName,
    Stream? Data,
    IReadOnlyList<SparseRegion>? Sparse = null);
