using System.Globalization;
using System.Text;
using PiBuild.Core.Archives;
using PiBuild.Core.FileSystem;
using PiBuild.Core.Processes;

namespace PiBuild.Core.Devices;

/// <summary>One file, directory or link of a device's sysroot, as find(1) on the device listed it.</summary>
internal sealed record SysrootEntry(char Type, long Size, string ModifiedAt, string Mode, string Path, string Link)
{
    /// <summary>The manifest line: what was copied, so a rerun fetches only what changed.</summary>
    public string ToLine() => string.Join('\t', Type.ToString(), Size.ToString(CultureInfo.InvariantCulture), ModifiedAt, Mode, Path, Link);

    public static SysrootEntry? FromLine(string line) =>
        line.Split('\t') is [{ Length: 1 } type, var size, var modified, var mode, var path, var link] && long.TryParse(size, CultureInfo.InvariantCulture, out var bytes)
            ? new SysrootEntry(type[0], bytes, modified, mode, path, link)
            : null;
}

/// <summary>What a sysroot copy changed.</summary>
internal sealed record SysrootCopyResult(string Directory, int FilesCopied, long BytesCopied, int Links, int Removed, int Unchanged);

/// <summary>
/// Copies a device's headers and libraries (<c>/usr/include</c>, <c>/lib</c>, <c>/usr/lib</c>) into a local directory for
/// cgo builds, with dpkg's <c>.shlibs</c> and <c>.symbols</c> files, which say which package holds each library (a
/// cgo .deb's Depends). The device lists them with find (type, size, mtime, mode, link target); files that differ from the last
/// copy's manifest come over one tar stream through the one extraction path, absolute symlinks are made relative so
/// the tree works where it lies, and what the device no longer has is removed: a rerun copies only what changed.
/// </summary>
internal static class SysrootCopy
{
    public const string ManifestName = ".pibuild-sysroot";

    private const string ListScript = """
        cd "${PIBUILD_HOST_ROOT:-}/" || exit 1
        set --
        for p in usr/include lib usr/lib; do if [ -e "$p" ] || [ -L "$p" ]; then set -- "$@" "$p"; fi; done
        [ $# -gt 0 ] || exit 0
        find "$@" \( -type f -o -type l -o -type d \) -printf '%y %s %T@ %m %p\0%l\0'
        if [ -d var/lib/dpkg/info ]; then
          find var var/lib var/lib/dpkg -maxdepth 0 -type d -printf '%y %s %T@ %m %p\0%l\0'
          find var/lib/dpkg/info -maxdepth 1 \( -type d -o -type f \( -name '*.shlibs' -o -name '*.symbols' \) \) -printf '%y %s %T@ %m %p\0%l\0'
        fi
        """;

    private const string SendScript = "cd \"${PIBUILD_HOST_ROOT:-}/\" && tar -cf - --null --no-recursion -T -";

    public static async Task<SysrootCopyResult> CopyAsync(Device device, string directory, CancellationToken cancellationToken)
    {
        directory = Path.GetFullPath(directory);
        Directory.CreateDirectory(directory);
        var listed = await device.Connection.RunAsync(ListScript, cancellationToken).ConfigureAwait(false);
        device.ThrowIfFailed(listed, "list /usr/include, /lib and /usr/lib");
        var entries = Parse(listed.StandardOutput);
        if (entries.Count == 0)
        {
            throw new WorkFailedException($"{device.Address} has none of /usr/include, /lib, /usr/lib; is it a Linux system?");
        }

        var manifestPath = Path.Combine(directory, ManifestName);
        var previous = File.Exists(manifestPath)
            ? File.ReadAllLines(manifestPath).Select(SysrootEntry.FromLine).OfType<SysrootEntry>().ToDictionary(e => e.Path, StringComparer.Ordinal)
            : [];
        var current = entries.ToDictionary(e => e.Path, StringComparer.Ordinal);

        // What the device no longer has goes first: a file may have become a directory or a link.
        var removed = 0;
        foreach (var gone in previous.Values.Where(p => !current.TryGetValue(p.Path, out var now) || now.Type != p.Type).OrderByDescending(p => p.Path, StringComparer.Ordinal))
        {
            removed += Remove(Local(directory, gone.Path)) ? 1 : 0;
        }

        foreach (var dir in entries.Where(e => e.Type == 'd'))
        {
            Directory.CreateDirectory(Local(directory, dir.Path));
        }

        var wanted = entries.Where(e => e.Type == 'f' && (!previous.TryGetValue(e.Path, out var before) || before != e || !SameSize(Local(directory, e.Path), e.Size))).ToArray();
        var bytes = wanted.Length == 0 ? 0 : await FetchAsync(device, directory, wanted, cancellationToken).ConfigureAwait(false);

        var links = 0;
        foreach (var link in entries.Where(e => e.Type == 'l'))
        {
            var local = Local(directory, link.Path);
            var target = Relative(link.Path, link.Link);
            if (new FileInfo(local).LinkTarget != target)
            {
                Remove(local);
                File.CreateSymbolicLink(local, target);
            }

            links++;
        }

        File.WriteAllLines(manifestPath + ".new", entries.Select(e => e.ToLine()));
        File.Move(manifestPath + ".new", manifestPath, overwrite: true);
        var files = entries.Count(e => e.Type == 'f');
        return new SysrootCopyResult(directory, wanted.Length, bytes, links, removed, files - wanted.Length);
    }

    /// <summary>The link's target, relative to its own directory when it was absolute (/lib/x from usr/lib/y is ../../lib/x).</summary>
    internal static string Relative(string linkPath, string target)
    {
        if (!target.StartsWith('/'))
        {
            return target;
        }

        var from = "/" + (Path.GetDirectoryName(linkPath) ?? "");
        return Path.GetRelativePath(from, target);
    }

    internal static List<SysrootEntry> Parse(string listing)
    {
        var fields = listing.Split('\0');
        var entries = new List<SysrootEntry>();
        for (var i = 0; i + 1 < fields.Length; i += 2)
        {
            var head = fields[i].Split(' ', 5);
            if (head is not [{ Length: 1 } type, var size, var modified, var mode, var path] || !long.TryParse(size, CultureInfo.InvariantCulture, out var bytes) || !IsSafe(path))
            {
                throw new WorkFailedException($"the device's file list has an entry pibuild cannot use: {fields[i]}");
            }

            entries.Add(new SysrootEntry(type[0], bytes, modified, mode, path, fields[i + 1]));
        }

        return entries;
    }

    private static async Task<long> FetchAsync(Device device, string directory, IReadOnlyList<SysrootEntry> files, CancellationToken cancellationToken)
    {
        var incoming = Path.Combine(directory, $".pibuild-incoming-{Guid.NewGuid():N}");
        var tarball = incoming + ".tar";
        try
        {
            using var list = new MemoryStream(Encoding.UTF8.GetBytes(string.Concat(files.Select(f => f.Path + "\0"))));
            ProcessResult sent;
            await using (var output = File.Create(tarball))
            {
                sent = await device.Connection.ReceiveAsync(SendScript, list, output, cancellationToken).ConfigureAwait(false);
            }

            device.ThrowIfFailed(sent, $"send {files.Count} files with tar");
            var extracted = await SafeExtractor.ExtractAsync(tarball, incoming, new ExtractOptions(DisplayName: $"the files from {device.Address}"), cancellationToken).ConfigureAwait(false);
            foreach (var file in files)
            {
                var target = Local(directory, file.Path);
                Remove(target);
                File.Move(Path.Combine(incoming, file.Path), target);
            }

            return extracted.Bytes;
        }
        finally
        {
            File.Delete(tarball);
            PosixFiles.DeleteTree(incoming);
        }
    }

    /// <summary>A path inside the sysroot that passes through no symlink, so nothing is written outside it.</summary>
    private static string Local(string directory, string relative)
    {
        var path = directory;
        var parts = relative.Split('/');
        foreach (var part in parts[..^1])
        {
            path = Path.Combine(path, part);
            if (new FileInfo(path).LinkTarget is not null)
            {
                throw new WorkFailedException($"the device lists {relative} under {part}, which is a link in the sysroot; pibuild writes through no link");
            }
        }

        return Path.Combine(path, parts[^1]);
    }

    private static bool IsSafe(string path) =>
        path.Length > 0 && !path.StartsWith('/') && path.Split('/').All(p => p.Length > 0 && p != "." && p != "..") && !path.Contains('\t') && !path.Contains('\n');

    private static bool SameSize(string path, long size) => new FileInfo(path) is { Exists: true, LinkTarget: null } info && info.Length == size;

    /// <summary>Removes a file, link or tree (without following links); true when there was one.</summary>
    private static bool Remove(string path)
    {
        var existed = new FileInfo(path) is { LinkTarget: not null } or { Exists: true } || Directory.Exists(path);
        PosixFiles.DeleteTree(path);
        return existed;
    }
}
