namespace PiBuild.Core.Processes;

/// <summary>Finds programs the way a shell does, so that pibuild reports the path it will really run.</summary>
internal static class ExecutableSearch
{
    public static string? FindOnPath(string name, string? pathVariable)
    {
        foreach (var directory in (pathVariable ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate) && IsExecutable(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>The first of <paramref name="names"/> found on PATH.</summary>
    public static string? FindFirstOnPath(IEnumerable<string> names, string? pathVariable) =>
        names.Select(n => FindOnPath(n, pathVariable)).FirstOrDefault(p => p is not null);

    /// <summary>An absolute path with symlinks left alone (a toolchain finds its GOROOT from its own path).</summary>
    public static string Resolve(string path) => Path.GetFullPath(path);

    private static bool IsExecutable(string path) =>
        (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}
