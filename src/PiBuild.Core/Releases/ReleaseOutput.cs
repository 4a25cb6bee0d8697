namespace PiBuild.Core.Releases;

/// <summary>How a release directory is replaced: built beside it, renamed over it only when complete.</summary>
internal static class ReleaseOutput
{
    public const string ChecksumFile = "SHA256SUMS";

    public static void CheckReplaceable(string output, bool clean)
    {
        if (File.Exists(output))
        {
            throw new ConfigurationException($"{output} is a file; choose another output directory with -o");
        }

        if (!clean && Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any())
        {
            throw new ConfigurationException($"{output} holds an earlier release; pass --clean to replace it, or choose another -o");
        }
    }

    public static string StagingFor(string output)
    {
        var parent = Path.GetDirectoryName(output)!;
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(output)}.pibuild-{Environment.ProcessId}");
        RemoveStaging(staging);
        Directory.CreateDirectory(staging);
        return staging;
    }

    public static async Task WriteIndexFilesAsync(string directory, ReleaseManifest manifest, CancellationToken cancellationToken)
    {
        await File.WriteAllTextAsync(Path.Combine(directory, ChecksumFile), manifest.ChecksumFile(), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(directory, ReleaseManifest.FileName), manifest.ToJson(), cancellationToken).ConfigureAwait(false);
    }

    public static void MoveIntoPlace(string staging, string output)
    {
        if (Directory.Exists(output))
        {
            Directory.Delete(output, recursive: true);
        }

        Directory.Move(staging, output);
    }

    public static void RemoveStaging(string staging)
    {
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }
    }
}
