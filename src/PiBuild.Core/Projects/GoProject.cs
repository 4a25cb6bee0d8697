namespace PiBuild.Core.Projects;

internal enum ProjectLayout
{
    /// <summary>A Go module: <c>go.mod</c> at the root, built in module mode.</summary>
    Module,

    /// <summary>The gb tool's layout: code under <c>src/</c>, dependencies copied into <c>vendor/src/</c>, built in GOPATH mode.</summary>
    GbStyle,
}

/// <summary>A Go project pibuild can build, and how Go must be invoked for it.</summary>
internal sealed record GoProject(string Root, ProjectLayout Layout, string? ModulePath = null)
{
    /// <summary>The project's name: its directory's name (used for default archive names).</summary>
    public string Name => Path.GetFileName(Root.TrimEnd(Path.DirectorySeparatorChar));

    /// <summary>Where <c>go build</c> runs: the module root, or <c>src/</c> for a gb-style project.</summary>
    public string BuildDirectory => Layout == ProjectLayout.GbStyle ? Path.Combine(Root, "src") : Root;

    /// <summary>GOPATH for a gb-style project: the project itself, then its vendored dependencies.</summary>
    public string? GoPath => Layout == ProjectLayout.GbStyle
        ? $"{Root}{Path.PathSeparator}{Path.Combine(Root, "vendor")}"
        : null;

    /// <summary>
    /// Finds the project at <paramref name="directory"/>: the nearest <c>go.mod</c> at or above it (as Go does),
    /// else a gb-style <c>src/</c> directory in it.
    /// </summary>
    public static GoProject Detect(string directory)
    {
        var start = Path.GetFullPath(directory);
        if (!Directory.Exists(start))
        {
            throw new ConfigurationException(File.Exists(start)
                ? $"project directory {start} is a file; pass the directory that holds go.mod with -C DIR"
                : $"project directory {start} does not exist; pass an existing one with -C DIR");
        }

        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var goMod = Path.Combine(dir.FullName, "go.mod");
            if (File.Exists(goMod))
            {
                return new GoProject(dir.FullName, ProjectLayout.Module, ReadModulePath(goMod));
            }
        }

        if (Directory.Exists(Path.Combine(start, "src")))
        {
            return new GoProject(start, ProjectLayout.GbStyle);
        }

        throw new ConfigurationException(
            $"{start} is not a Go project: no go.mod at or above it and no src/ directory (gb-style); run pibuild in a project or pass -C DIR");
    }

    /// <summary>The project at <paramref name="directory"/>, or null where there is none (for optional settings).</summary>
    public static GoProject? TryDetect(string directory)
    {
        try
        {
            return Detect(directory);
        }
        catch (ConfigurationException)
        {
            return null;
        }
    }

    /// <summary>The <c>module</c> line of go.mod (null when it has none; go itself will then explain).</summary>
    private static string? ReadModulePath(string goMod) =>
        File.ReadLines(goMod)
            .Select(line => line.Trim())
            .Where(line => line.StartsWith("module ", StringComparison.Ordinal) || line.StartsWith("module\t", StringComparison.Ordinal))
            .Select(line => line[6..].Trim().Trim('"'))
            .FirstOrDefault();
}
