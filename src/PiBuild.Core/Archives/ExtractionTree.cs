using PiBuild.Core.FileSystem;

namespace PiBuild.Core.Archives;

/// <summary>
/// The safety rules for one extraction into a fresh directory: every entry lands inside it, no entry is written
/// through a link, and links point only inside it. Paths here are relative, '/'-separated and normalised.
/// </summary>
internal sealed class ExtractionTree(string root, int stripComponents)
{
    private readonly HashSet<string> _symlinks = new(StringComparer.Ordinal);
    private readonly HashSet<string> _files = new(StringComparer.Ordinal);
    private readonly HashSet<string> _directories = new(StringComparer.Ordinal) { "" };

    public string Root => root;

    public string FullPath(string relative) => relative.Length == 0 ? root : Path.Join(root, relative);

    /// <summary>Where an entry goes, or null when <c>--strip-components</c> removes it entirely.</summary>
    public string? Place(string entryName)
    {
        var relative = Normalize(entryName, entryName, stripComponents);
        if (relative is null)
        {
            return null;
        }

        for (var slash = relative.IndexOf('/'); slash > 0; slash = relative.IndexOf('/', slash + 1))
        {
            if (_symlinks.Contains(relative[..slash]))
            {
                throw new HostileEntryException(entryName, $"goes through the symlink '{ArchiveName.Display(relative[..slash])}'");
            }

            if (_files.Contains(relative[..slash]))
            {
                throw new HostileEntryException(entryName, $"goes through the file '{ArchiveName.Display(relative[..slash])}'");
            }
        }

        if (_symlinks.Contains(relative))
        {
            throw new HostileEntryException(entryName, "replaces a symlink (writing to it would follow the link)");
        }

        return relative;
    }

    /// <summary>Parent directories an entry needs that the archive did not list first.</summary>
    public void EnsureParent(string relative)
    {
        var slash = relative.LastIndexOf('/');
        if (slash <= 0 || _directories.Contains(relative[..slash]))
        {
            return;
        }

        var missing = new Stack<string>();
        for (var dir = relative[..slash]; dir.Length > 0 && !_directories.Contains(dir); dir = dir.LastIndexOf('/') is var up and > 0 ? dir[..up] : "")
        {
            missing.Push(dir);
        }

        // Directories the archive did not list get the usual mode (0777 less the umask), as with tar.
        foreach (var dir in missing)
        {
            PosixFiles.CreateDirectory(FullPath(dir), (UnixFileMode)0x1FF);
            _directories.Add(dir);
        }
    }

    public bool AddDirectory(string relative)
    {
        if (_files.Contains(relative))
        {
            throw new HostileEntryException(relative, "replaces a file with a directory");
        }

        return _directories.Add(relative);
    }

    public void AddFile(string relative, string entryName)
    {
        if (_directories.Contains(relative))
        {
            throw new HostileEntryException(entryName, "replaces a directory with a file");
        }

        _files.Add(relative);
    }

    public bool IsFile(string relative) => _files.Contains(relative);

    /// <summary>
    /// Checks a symlink's target. It must be relative, and of the form <c>../../a/b</c>: leading <c>..</c> only, so that
    /// resolving it lexically agrees with the kernel (the link's own directory holds no symlinks), and the result must
    /// stay inside the destination. Links in the names after it point inside by the same rule, so nothing escapes.
    /// </summary>
    public void AddSymlink(string relative, string target, string entryName)
    {
        if (target.Length == 0 || target.StartsWith('/'))
        {
            throw new HostileEntryException(entryName, $"is a symlink to the absolute path '{ArchiveName.Display(target)}'");
        }

        var parts = target.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToArray();
        var ups = parts.TakeWhile(p => p == "..").Count();
        if (parts.Skip(ups).Contains(".."))
        {
            throw new HostileEntryException(entryName, $"is a symlink to '{ArchiveName.Display(target)}', whose '..' after a name could leave the destination through another link");
        }

        var depth = relative.Count(c => c == '/');
        if (ups > depth)
        {
            throw new HostileEntryException(entryName, $"is a symlink to '{ArchiveName.Display(target)}', outside the destination");
        }

        _symlinks.Add(relative);
    }

    /// <summary>Resolves a hardlink's target (an archive path) to an extracted regular file inside the destination.</summary>
    public string HardlinkSource(string linkName, string entryName)
    {
        var relative = Normalize(linkName, entryName, stripComponents)
            ?? throw new HostileEntryException(entryName, $"is a hardlink to '{ArchiveName.Display(linkName)}', which --strip-components removed");
        if (!_files.Contains(relative) || _symlinks.Contains(relative))
        {
            throw new HostileEntryException(entryName, $"is a hardlink to '{ArchiveName.Display(linkName)}', which is not a file extracted before it");
        }

        return relative;
    }

    private static string? Normalize(string name, string entryName, int strip)
    {
        if (name.StartsWith('/'))
        {
            throw new HostileEntryException(entryName, "has an absolute path");
        }

        var parts = name.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToArray();
        if (parts.Contains(".."))
        {
            throw new HostileEntryException(entryName, "has a '..' component that could leave the destination");
        }

        return parts.Length <= strip ? null : string.Join('/', parts.Skip(strip));
    }
}
