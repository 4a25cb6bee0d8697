namespace PiBuild.IntegrationTests.Infrastructure;

/// <summary>Paths in the pibuild checkout the tests run from (examples, profiles).</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Example(string name) => Path.Combine(Root, "examples", name);

    /// <summary>Copies an example into a fresh directory, so tests never write into the checkout.</summary>
    public static string CopyExample(string name, string destinationParent)
    {
        var destination = Path.Combine(destinationParent, name);
        CopyTree(Example(name), destination);
        return destination;
    }

    public static void CopyTree(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var dir in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, dir);
            if (relative == "bin" || relative.StartsWith("bin/", StringComparison.Ordinal))
            {
                continue;
            }

            Directory.CreateDirectory(Path.Combine(destination, relative));
        }

        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            if (!relative.StartsWith("bin/", StringComparison.Ordinal))
            {
                File.Copy(file, Path.Combine(destination, relative));
            }
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PiBuild.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("the tests must run from inside the pibuild checkout");
    }
}
