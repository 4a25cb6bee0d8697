using System.Globalization;

namespace PiBuild.Core.FileSystem;

/// <summary>
/// "Stage beside, then rename into place": a temporary sibling of a destination (same file system, so the final
/// rename is atomic), named <c>.NAME.pibuild-PID-RANDOM</c>. Only a complete result is moved into place; on
/// failure or interruption the sibling is removed, and one left by a killed process is removed by the next run
/// that stages beside the same destination.
/// </summary>
internal sealed class StagingDirectory : IDisposable
{
    private const string Marker = ".pibuild-";
    private bool _committed;

    private StagingDirectory(string path) => Path = path;

    public string Path { get; }

    /// <summary>A fresh name for a staging sibling of <paramref name="destination"/>, unique to this process.</summary>
    public static string PathBeside(string destination)
    {
        destination = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(destination));
        var name = System.IO.Path.GetFileName(destination);
        return System.IO.Path.Combine(System.IO.Path.GetDirectoryName(destination)!, $".{name}{Marker}{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
    }

    /// <summary>Creates a staging sibling of <paramref name="destination"/> (at <paramref name="path"/>, from <see cref="PathBeside"/>, when a plan chose it).</summary>
    public static StagingDirectory Create(string destination, string? path = null)
    {
        destination = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(destination));
        path ??= PathBeside(destination);
        var parent = System.IO.Path.GetDirectoryName(destination)!;
        Directory.CreateDirectory(parent);
        RemoveStale(parent, System.IO.Path.GetFileName(destination));
        Directory.CreateDirectory(path);
        return new StagingDirectory(path);
    }

    /// <summary>Replaces <paramref name="destination"/> (an empty or earlier directory) with the staged one.</summary>
    public void ReplaceDirectory(string destination)
    {
        if (Directory.Exists(destination))
        {
            PosixFiles.DeleteTree(destination);
        }

        Directory.Move(Path, destination);
        _committed = true;
    }

    /// <summary>
    /// Renames the staged directory to <paramref name="destination"/>, which must be absent or empty: another process
    /// that filled it meanwhile is not overwritten (rename(2) refuses a non-empty directory).
    /// </summary>
    public void MoveTo(string destination)
    {
        PosixFiles.Rename(Path, destination);
        _committed = true;
    }

    /// <summary>Moves each staged file into <paramref name="destination"/>, replacing files of the same name; others there stay.</summary>
    public IReadOnlyList<string> MoveFilesInto(string destination)
    {
        Directory.CreateDirectory(destination);
        var moved = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Path).Order(StringComparer.Ordinal))
        {
            var target = System.IO.Path.Combine(destination, System.IO.Path.GetFileName(file));

            // A rename within one file system: each file appears whole or not at all.
            File.Move(file, target, overwrite: true);
            moved.Add(target);
        }

        return moved;
    }

    public void Dispose()
    {
        if (!_committed)
        {
            Remove(Path);
        }
    }

    /// <summary>Removes a tree, read-only directories (as some archives make them) and names that are not UTF-8 included.</summary>
    internal static void Remove(string path)
    {
        try
        {
            PosixFiles.DeleteTree(path);
        }
        catch (IOException)
        {
            // Named per process: a leftover cannot be mistaken for a result, and a later run removes it.
        }
    }

    // Siblings whose process is gone (kill -9, a power cut) are garbage; those of a live process are its work.
    private static void RemoveStale(string parent, string name)
    {
        var prefix = $".{name}{Marker}";
        foreach (var sibling in Directory.EnumerateDirectories(parent, prefix + "*"))
        {
            var rest = System.IO.Path.GetFileName(sibling)[prefix.Length..];
            var dash = rest.IndexOf('-', StringComparison.Ordinal);
            if (dash > 0 && int.TryParse(rest[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && pid != Environment.ProcessId && !Directory.Exists($"/proc/{pid}"))
            {
                Remove(sibling);
            }
        }
    }
}
