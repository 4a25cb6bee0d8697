using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using PiBuild.Core.Archives;
using PiBuild.Core.Projects;

namespace PiBuild.Core.Releases.Debian;

/// <summary>What the packages of a project share besides their commands: the project, and its license text if it has one.</summary>
internal sealed record DebianPackageContent(string? LicenseFile, string ProjectRoot, string Project);

/// <summary>
/// Writes a .deb as dpkg-deb does, and reproducibly: an ar archive (zero timestamps, uid/gid 0, mode 0644) of
/// <c>debian-binary</c>, <c>control.tar.gz</c> and <c>data.tar.gz</c>, the tarballs as the release archives are
/// written (sorted, the source date, root-owned). Commands go to <c>/usr/bin</c>, units to
/// <c>/lib/systemd/system</c>, and <c>/usr/share/doc/PACKAGE</c> gets the copyright and changelog Debian asks for.
/// </summary>
internal static class DebianPackageWriter
{
    private const int Directory = 0x1ED; // 0755
    private const int Executable = 0x1ED;
    private const int Regular = 0x1A4; // 0644

    /// <param name="commands">The verified binaries, installed to <c>/usr/bin</c>.</param>
    /// <param name="libraries">What the binaries' shared libraries depend on (none for Go's static binaries).</param>
    public static void Write(string path, DebianPackagePlan plan, DebPackageConfig config, IReadOnlyList<string> commands, DebianPackageContent content, long sourceDateEpoch, IReadOnlyList<string> libraries)
    {
        var files = new List<TarItem>();
        files.AddRange(commands.Order(StringComparer.Ordinal).Select(c => new TarItem($"./usr/bin/{Path.GetFileName(c)}", Executable, c)));
        files.AddRange(config.Systemd.Select(u => new TarItem($"./lib/systemd/system/{u.Name}", Regular, Path.Combine(content.ProjectRoot, u.Source))));
        files.AddRange(config.Files.Select(f => new TarItem("." + f.Destination, f.Mode, Path.Combine(content.ProjectRoot, f.Source))));
        var doc = $"./usr/share/doc/{plan.Package}/";

        // Go links statically by design. Lintian knows that only when it sees a golang source package; a binary
        // package says it in Debian's own way, an override that lintian shows as such. cgo binaries are dynamic.
        if (libraries.Count == 0)
        {
            files.Add(new TarItem($"./usr/share/lintian/overrides/{plan.Package}", Regular, Content: Encoding.UTF8.GetBytes(
                $"# Go programs are statically linked by design (built by pibuild with Go, without cgo).\n{plan.Package}: statically-linked-binary [usr/bin/*]\n")));
        }

        files.Add(new TarItem(doc + "copyright", Regular, Content: Encoding.UTF8.GetBytes(Copyright(plan, config, content))));

        // A version with a Debian revision (after its last '-') is not a native package: its changelog is changelog.Debian.
        var changelog = plan.Version.Contains('-', StringComparison.Ordinal) ? "changelog.Debian.gz" : "changelog.gz";
        files.Add(new TarItem(doc + changelog, Regular, Content: GzipMaximum(Changelog(plan, config, sourceDateEpoch))));

        var data = WithDirectories(files);
        var scripts = SystemdScripts.For(config.Systemd.Select(u => u.Name).ToArray());
        var control = new List<TarItem>
        {
            new("./", Directory),
            new("./control", Regular, Content: Encoding.UTF8.GetBytes(Control(plan, config, commands, content, data, libraries))),
            new("./md5sums", Regular, Content: Encoding.UTF8.GetBytes(Md5Sums(files, config.Conffiles))),
        };
        if (config.Conffiles.Count > 0)
        {
            control.Add(new TarItem("./conffiles", Regular, Content: Encoding.UTF8.GetBytes(string.Concat(config.Conffiles.Order(StringComparer.Ordinal).Select(c => c + "\n")))));
        }

        control.AddRange(scripts.Select(s => new TarItem("./" + s.Key, Executable, Content: Encoding.UTF8.GetBytes(s.Value))));

        using var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        ArArchive.Write(output, [("debian-binary", "2.0\n"u8.ToArray()), ("control.tar.gz", Tarball(control, sourceDateEpoch)), ("data.tar.gz", Tarball(data, sourceDateEpoch))]);
    }

    /// <summary>The files, and every directory above them (<c>./</c> included), as dpkg-deb's data.tar holds them.</summary>
    private static List<TarItem> WithDirectories(IReadOnlyList<TarItem> files)
    {
        var directories = new SortedSet<string>(StringComparer.Ordinal) { "./" };
        foreach (var file in files)
        {
            for (var slash = file.Name.IndexOf('/', 2); slash > 0; slash = file.Name.IndexOf('/', slash + 1))
            {
                directories.Add(file.Name[..(slash + 1)]);
            }
        }

        return [.. directories.Select(d => new TarItem(d, Directory)), .. files];
    }

    private static byte[] Tarball(IEnumerable<TarItem> items, long sourceDateEpoch)
    {
        using var buffer = new MemoryStream();
        ReproducibleArchive.WriteTarGz(buffer, items, sourceDateEpoch, owner: "root");
        return buffer.ToArray();
    }

    /// <param name="data">What data.tar holds, directories included.</param>
    private static string Control(DebianPackagePlan plan, DebPackageConfig config, IReadOnlyList<string> commands, DebianPackageContent content, IReadOnlyList<TarItem> data, IReadOnlyList<string> libraries)
    {
        // Installed-Size as dpkg-gencontrol counts it: KiB per file, rounded up, and one per directory.
        var kib = data.Sum(i => i.IsDirectory ? 1 : (Size(i) + 1023) / 1024);
        var depends = libraries.Order(StringComparer.Ordinal).Concat(config.Depends).Distinct(StringComparer.Ordinal).ToList();
        if (config.Systemd.Count > 0 && !depends.Any(d => d.StartsWith("init-system-helpers", StringComparison.Ordinal)))
        {
            depends.Add("init-system-helpers (>= 1.54~)"); // deb-systemd-helper and deb-systemd-invoke, used by the scripts
        }

        var names = string.Join(", ", commands.Select(Path.GetFileName).Order(StringComparer.Ordinal));
        // Not starting with the package's name, which Debian refuses (lintian: description-starts-with-package).
        var synopsis = config.Description ?? $"Raspberry Pi build of {content.Project}";
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"Package: {plan.Package}\n")
            .Append(CultureInfo.InvariantCulture, $"Version: {plan.Version}\n")
            .Append(CultureInfo.InvariantCulture, $"Architecture: {plan.Architecture}\n")
            .Append(CultureInfo.InvariantCulture, $"Maintainer: {config.Maintainer}\n")
            .Append(CultureInfo.InvariantCulture, $"Installed-Size: {kib}\n");
        if (depends.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"Depends: {string.Join(", ", depends)}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"Section: {config.Section}\n")
            .Append(CultureInfo.InvariantCulture, $"Priority: {config.Priority}\n");
        if (config.Homepage is { } homepage)
        {
            text.Append(CultureInfo.InvariantCulture, $"Homepage: {homepage}\n");
        }

        return text.Append(CultureInfo.InvariantCulture, $"Description: {synopsis}\n")
            .Append(CultureInfo.InvariantCulture, $" The {names} command{(commands.Count == 1 ? "" : "s")} of {content.Project} {plan.Version}, built for {string.Join(", ", plan.Boards.Select(b => b.Name))}\n")
            .Append(CultureInfo.InvariantCulture, $" by pibuild and verified for each of them.\n")
            .ToString();
    }

    private static string Copyright(DebianPackagePlan plan, DebPackageConfig config, DebianPackageContent content)
    {
        var header = $"{plan.Package} {plan.Version}, the {content.Project} project, packaged by {config.Maintainer}.\n";
        return content.LicenseFile is { } license
            ? $"{header}\nIts license ({Path.GetFileName(license)}):\n\n{File.ReadAllText(license)}"
            : $"{header}\nThe project has no LICENSE file; ask its maintainer for the terms of use.\n";
    }

    private static byte[] Changelog(DebianPackagePlan plan, DebPackageConfig config, long sourceDateEpoch)
    {
        var date = DateTimeOffset.FromUnixTimeSeconds(sourceDateEpoch).ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture);
        return Encoding.UTF8.GetBytes(
            $"{plan.Package} ({plan.Version}) unstable; urgency=medium\n\n  * Release {plan.Version}, built by pibuild.\n\n -- {config.Maintainer}  {date}\n");
    }

    private static string Md5Sums(IEnumerable<TarItem> files, IReadOnlyList<string> conffiles) =>
        string.Concat(files
            .Where(f => !conffiles.Contains(f.Name[1..]))
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .Select(f => $"{Convert.ToHexStringLower(Md5(f))}  {f.Name[2..]}\n"));

    private static byte[] Md5(TarItem file)
    {
        if (file.Content is { } content)
        {
#pragma warning disable CA5351 // dpkg's md5sums file is MD5 by definition; it checks for corruption, not tampering.
            return MD5.HashData(content);
        }

        using var stream = File.OpenRead(file.SourcePath!);
        return MD5.HashData(stream);
#pragma warning restore CA5351
    }

    private static long Size(TarItem file) => file.Content?.Length ?? new FileInfo(file.SourcePath!).Length;

    /// <summary>gzip -9n: the best compression and no name or timestamp, as Debian's tools check for.</summary>
    private static byte[] GzipMaximum(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return buffer.ToArray();
    }
}
