using PiBuild.Core.Binaries;
using PiBuild.Core.Projects;

namespace PiBuild.Core.Builds;

/// <summary>
/// Chooses which binaries already in <c>bin/&lt;target&gt;/</c> to copy into a fresh staging directory before
/// <c>go build -o staging/</c>. go skips the link step when the output it would write is already up to date, so
/// a build whose sources did not change costs what a plain <c>go build</c> costs. Only binaries of the packages
/// this build names are seeded (read from their build info), so a leftover of a removed command is never
/// reported as built.
/// </summary>
internal static class StagingSeed
{
    public static IReadOnlyList<string> Select(string outputDirectory, GoProject project, IReadOnlyList<string> packages)
    {
        if (!Directory.Exists(outputDirectory))
        {
            return [];
        }

        var patterns = packages.Select(p => Relative(p, project)).ToArray();
        if (patterns.Any(p => p is null))
        {
            // A package outside the project (or a pattern this cannot read): let go decide everything.
            return [];
        }

        var seeds = new List<string>();
        foreach (var file in Directory.EnumerateFiles(outputDirectory))
        {
            GoBuildInfo? info;
            using (var image = BinaryImage.Open(file))
            {
                info = GoBuildInfo.TryRead(image, ElfFile.TryRead(image));
            }

            if (info?.Path is not { } path || Relative(path, project) is not { } relative)
            {
                continue;
            }

            var directory = relative.Length == 0 ? project.BuildDirectory : Path.Combine(project.BuildDirectory, relative);
            if (Directory.Exists(directory) && patterns.Any(p => Matches(p!, relative)))
            {
                seeds.Add(file);
            }
        }

        return seeds;
    }

    /// <summary>A package path or pattern relative to the build directory ("" for the root), or null when outside the project.</summary>
    private static string? Relative(string package, GoProject project)
    {
        var path = package.TrimEnd('/');
        if (path is "." or "./")
        {
            return "";
        }

        if (path.StartsWith("./", StringComparison.Ordinal))
        {
            return path[2..];
        }

        if (project.Layout == ProjectLayout.GbStyle)
        {
            // In GOPATH mode an import path is a directory under src/ (or a vendored or standard package).
            return path.StartsWith('.') || path.StartsWith('/') ? null : path;
        }

        return project.ModulePath switch
        {
            { } module when path == module => "",
            { } module when path.StartsWith(module + "/", StringComparison.Ordinal) => path[(module.Length + 1)..],
            _ => null,
        };
    }

    private static bool Matches(string pattern, string relative)
    {
        if (pattern == "...")
        {
            return true;
        }

        if (pattern.EndsWith("/...", StringComparison.Ordinal))
        {
            var prefix = pattern[..^4];
            return relative == prefix || relative.StartsWith(prefix + "/", StringComparison.Ordinal);
        }

        return !pattern.Contains("...", StringComparison.Ordinal) && relative == pattern;
    }
}
