using PiBuild.Core.FileSystem;

namespace PiBuild.Core.Archives;

/// <summary>An entry that would write outside the destination, or something no toolchain tarball contains.</summary>
internal sealed class HostileEntryException(string entry, string reason) : Exception($"entry '{ArchiveName.Display(entry)}' {reason}")
{
    public string Entry { get; } = entry;
}
