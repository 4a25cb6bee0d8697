using System.Text.RegularExpressions;
using PiBuild.Core.FileSystem;

namespace PiBuild.Core.Releases.Debian;

/// <summary>
/// Which package provides each shared library, read as dpkg-shlibdeps reads it: the <c>.shlibs</c> files under a
/// sysroot's <c>var/lib/dpkg/info</c> (<c>libz 1 zlib1g (>= 1:1.2.3.3)</c>), else a <c>.symbols</c> file's header
/// (<c>libz.so.1 zlib1g #MINVER#</c>, with the newest version its symbols name, since pibuild does not resolve
/// symbols one by one). A sysroot made by <c>pibuild sysroot</c> holds the Pi's own.
/// </summary>
internal sealed partial class DebianShlibs
{
    public const string InfoDirectory = "var/lib/dpkg/info";

    private readonly Dictionary<string, string> _bySoname;

    private DebianShlibs(Dictionary<string, string> bySoname) => _bySoname = bySoname;

    /// <summary>The sysroot's dpkg data for packages of <paramref name="architecture"/>; null when it has none.</summary>
    public static DebianShlibs? Load(string? sysroot, string architecture)
    {
        var info = sysroot is null ? null : Path.Combine(sysroot, InfoDirectory);
        if (info is null || !Directory.Exists(info))
        {
            return null;
        }

        // A foreign architecture's files are named PACKAGE:ARCH.*; the native one's have no suffix. The first found wins,
        // so the architecture's own come first.
        var files = Directory.EnumerateFiles(info)
            .Where(f => Path.GetFileNameWithoutExtension(f) is var name && (!name.Contains(':', StringComparison.Ordinal) || name.EndsWith(":" + architecture, StringComparison.Ordinal)))
            .OrderBy(f => Path.GetFileNameWithoutExtension(f).Contains(':', StringComparison.Ordinal) ? 0 : 1)
            .ThenBy(f => f, StringComparer.Ordinal)
            .ToArray();
        var bySoname = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in files.Where(f => f.EndsWith(".shlibs", StringComparison.Ordinal)))
        {
            foreach (var line in ReadLines(file))
            {
                // "LIBRARY VERSION DEPENDENCY", or "TYPE: LIBRARY VERSION DEPENDENCY" for udebs, which a Pi does not install.
                if (ShlibsLine().Match(line) is { Success: true } m)
                {
                    // "libz 1" is libz.so.1; "libfoo 1.2" may be libfoo.so.1.2 or libfoo-1.2.so, as dpkg-shlibdeps reads it.
                    var (library, version, dependency) = (m.Groups["library"].Value, m.Groups["version"].Value, m.Groups["dependency"].Value.Trim());
                    bySoname.TryAdd($"{library}.so.{version}", dependency);
                    bySoname.TryAdd($"{library}-{version}.so", dependency);
                }
            }
        }

        foreach (var file in files.Where(f => f.EndsWith(".symbols", StringComparison.Ordinal)))
        {
            ReadSymbols(file, bySoname);
        }

        return bySoname.Count == 0 ? null : new DebianShlibs(bySoname);
    }

    /// <summary>The dependency that provides <paramref name="soname"/>, e.g. <c>libc6 (>= 2.36)</c>; null when no package says.</summary>
    public string? DependencyOf(string soname) => _bySoname.GetValueOrDefault(soname);

    /// <summary>
    /// What a package's binaries need installed, from what they link (DT_NEEDED): each library's package by the
    /// sysroot's dpkg data. A library no package provides is left to <c>deb.depends</c> when it lists any; else refused.
    /// </summary>
    /// <param name="needs">Each binary's name and the libraries it links.</param>
    public static IReadOnlyList<string> DependsOf(IReadOnlyList<(string Binary, IReadOnlyList<string> Needs)> needs, string? sysroot, string architecture, IReadOnlyList<string> declared)
    {
        if (needs.All(n => n.Needs.Count == 0))
        {
            return [];
        }

        var shlibs = Load(sysroot, architecture);
        var depends = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (binary, libraries) in needs)
        {
            foreach (var library in libraries)
            {
                if (shlibs?.DependencyOf(library) is { } dependency)
                {
                    depends.Add(dependency);
                }
                else if (declared.Count == 0)
                {
                    throw new ConfigurationException(
                        $"{binary} needs {library}, and {(shlibs is null ? "there is no dpkg data in " + (sysroot ?? "the cross toolchain's root") : "no package in " + sysroot + "'s dpkg data provides it")}; " +
                        "list the packages it needs in deb.depends, or make the sysroot with: pibuild sysroot --on PI -o DIR (it copies the Pi's dpkg data)");
                }
            }
        }

        return [.. depends];
    }

    /// <summary>
    /// Before anything is built: a cgo package needs the sysroot's dpkg data, or <c>deb.depends</c>, to say what it
    /// depends on.
    /// </summary>
    public static void CheckCanResolve(string architecture, string? sysroot, IReadOnlyList<string> declared)
    {
        if (declared.Count == 0 && Load(sysroot, architecture) is null)
        {
            throw new ConfigurationException(
                $"the {architecture} package is built with cgo, so it depends on the C libraries it links, and {(sysroot is null ? "the cross toolchain's root" : sysroot)} has no dpkg data " +
                $"({InfoDirectory}/*.shlibs) to say which packages hold them; make the sysroot with: pibuild sysroot --on PI -o DIR, or list them in deb.depends");
        }
    }

    private static void ReadSymbols(string file, Dictionary<string, string> bySoname)
    {
        string? soname = null;
        string? template = null;
        (Version Order, string Text)? newest = null;
        void Finish()
        {
            if (soname is not null && template is not null)
            {
                bySoname.TryAdd(soname, template.Replace(" #MINVER#", newest is { } n ? $" (>= {n.Text})" : "", StringComparison.Ordinal).Trim());
            }
        }

        foreach (var line in ReadLines(file))
        {
            if (line.Length > 0 && !char.IsWhiteSpace(line[0]) && line[0] is not '|' and not '*' and not '#')
            {
                Finish();
                var parts = line.Split(' ', 2, StringSplitOptions.TrimEntries);
                soname = parts.Length == 2 ? parts[0] : null;
                template = parts.Length == 2 ? parts[1] : null;
                newest = null;
            }
            else if (line.StartsWith(' ') && line.Trim().Split(' ') is [_, var minimum, ..]
                && Version.TryParse(UpstreamPart(minimum), out var order) && (newest is not { } n || order > n.Order))
            {
                newest = (order, minimum);
            }
        }

        Finish();
    }

    /// <summary>"1:2.36-9" → "2.36": enough to order the versions a symbols file names (which share an epoch).</summary>
    private static string UpstreamPart(string version)
    {
        var upstream = version[(version.IndexOf(':', StringComparison.Ordinal) + 1)..];
        var cut = upstream.IndexOfAny(['-', '~', '+']);
        return cut < 0 ? upstream : upstream[..cut];
    }

    private static IEnumerable<string> ReadLines(string file) =>
        RegularFile.ReadText(file, Path.GetFileName(file)).Split('\n');

    [GeneratedRegex(@"^(?<library>[^\s:]+)\s+(?<version>\S+)\s+(?<dependency>\S.*)$")]
    private static partial Regex ShlibsLine();
}
