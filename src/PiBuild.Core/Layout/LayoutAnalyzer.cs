using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace PiBuild.Core.Layout;

/// <summary>
/// The Go program behind <c>pibuild layout</c> (<c>Analyzer/</c>), shipped inside pibuild as source. It must be
/// built by the project's own toolchain: the export data it reads is in that compiler's format, and go/types of that
/// release knows the language the project is written in.
/// </summary>
internal static class LayoutAnalyzer
{
    public const string ExecutableName = "pibuild-layout";

    private const string ResourcePrefix = "layout/";

    /// <summary>The source files, by name.</summary>
    public static IReadOnlyDictionary<string, byte[]> Sources { get; } = ReadSources();

    /// <summary>Names the source: a changed analyzer is built anew, never mistaken for the one in the cache.</summary>
    public static string SourceHash { get; } = HashOf(Sources);

    /// <summary>Writes the source files into <paramref name="directory"/>.</summary>
    public static void WriteSources(string directory)
    {
        foreach (var (name, content) in Sources)
        {
            File.WriteAllBytes(Path.Combine(directory, name), content);
        }
    }

    private static Dictionary<string, byte[]> ReadSources()
    {
        var assembly = typeof(LayoutAnalyzer).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToDictionary(name => name[ResourcePrefix.Length..], name => Read(assembly, name), StringComparer.Ordinal);
    }

    private static byte[] Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"resource {name} is missing");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static string HashOf(IReadOnlyDictionary<string, byte[]> sources)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, content) in sources)
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"{name}\n{content.Length}\n"));
            hash.AppendData(content);
        }

        return Convert.ToHexStringLower(hash.GetCurrentHash())[..16];
    }
}
