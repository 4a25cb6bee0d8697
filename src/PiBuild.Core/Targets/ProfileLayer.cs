using System.Reflection;
using PiBuild.Core.FileSystem;

namespace PiBuild.Core.Targets;

/// <summary>One place profiles come from. Later layers override earlier ones by name.</summary>
internal sealed record ProfileLayer(string Name, IReadOnlyList<ProfileSourceFile> Files)
{
    public const string BuiltIn = "built-in";
    public const string Project = "project";
    public const string User = "user";

    /// <summary>The profiles shipped inside pibuild (the repository's <c>targets/</c>, embedded at build time).</summary>
    public static ProfileLayer LoadBuiltIn()
    {
        var assembly = typeof(ProfileLayer).Assembly;
        var files = assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith("targets/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name => new ProfileSourceFile($"<built-in>/{name}", ReadResource(assembly, name)))
            .ToArray();
        return new ProfileLayer(BuiltIn, files);
    }

    /// <summary>Every <c>*.yaml</c>/<c>*.yml</c> in a directory; a directory that does not exist is an empty layer.</summary>
    public static ProfileLayer LoadDirectory(string layerName, string directory)
    {
        if (File.Exists(directory))
        {
            throw new ConfigurationException($"{directory}: expected a directory of profiles but found a file; move it away or rename it");
        }

        if (!Directory.Exists(directory))
        {
            return new ProfileLayer(layerName, []);
        }

        try
        {
            var files = Directory.EnumerateFileSystemEntries(directory)
                .Where(path => path.EndsWith(".yaml", StringComparison.Ordinal) || path.EndsWith(".yml", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .Select(path => new ProfileSourceFile(path, ReadProfileFile(path)))
                .ToArray();
            return new ProfileLayer(layerName, files);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException and not FileNotFoundException)
        {
            throw new ConfigurationException($"{directory}: cannot read the profile directory ({e.Message}); fix its permissions or remove it", e);
        }
    }

    private static string ReadProfileFile(string path)
    {
        try
        {
            return RegularFile.ReadText(path, "a profile");
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new ConfigurationException($"{path}: cannot read the profile ({e.Message}); fix its permissions or remove it", e);
        }
    }

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded profile {name} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

/// <summary>A profile file's path (for messages) and text.</summary>
internal sealed record ProfileSourceFile(string Path, string Text);
