using PiBuild.Core.FileSystem;

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

    public static StagingDirectory Stage(string output)
    {
        try
        {
            return StagingDirectory.Create(output);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"cannot write the release beside {output} ({e.Message}); choose another output directory with -o", e);
        }
    }

    /// <summary>A complete release gets SHA256SUMS and manifest.json; a shard only its partial manifest, for <c>release merge</c>.</summary>
    public static async Task WriteIndexFilesAsync(string directory, ReleaseManifest manifest, CancellationToken cancellationToken)
    {
        if (manifest.Shard is { } shard)
        {
            await File.WriteAllTextAsync(Path.Combine(directory, ReleaseManifest.PartialFileName(shard)), manifest.ToJson(), cancellationToken).ConfigureAwait(false);
            return;
        }

        await File.WriteAllTextAsync(Path.Combine(directory, ChecksumFile), manifest.ChecksumFile(), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(directory, ReleaseManifest.FileName), manifest.ToJson(), cancellationToken).ConfigureAwait(false);
    }
}
