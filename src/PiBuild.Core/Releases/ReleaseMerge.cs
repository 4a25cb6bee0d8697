using PiBuild.Core.Digests;

namespace PiBuild.Core.Releases;

/// <summary>
/// <c>pibuild release merge DIR... -o dist</c>: joins the outputs of <c>release --shard I/N</c> from a CI matrix
/// into one release, byte-identical to a single-machine run, after checking that the shards agree (project,
/// version, commit, Go version, source date), that every shard is there once, and that every archive still
/// has the digest its shard recorded.
/// </summary>
internal static class ReleaseMerge
{
    public static async Task<ReleaseManifest> MergeAsync(IReadOnlyList<string> shardDirectories, string output, bool clean, CancellationToken cancellationToken)
    {
        if (shardDirectories.Count == 0)
        {
            throw new ConfigurationException("release merge needs the shards' output directories: pibuild release merge DIR... -o dist");
        }

        var shards = shardDirectories.Select(Path.GetFullPath).Select(dir => (Dir: dir, Manifest: ReadShard(dir))).ToArray();
        CheckComplete(shards);
        var first = shards[0];
        output = Path.GetFullPath(output);
        ReleaseOutput.CheckReplaceable(output, clean);
        using var staging = ReleaseOutput.Stage(output);
        var artifacts = new List<ReleaseArtifact>();
        foreach (var (dir, manifest) in shards)
        {
            foreach (var artifact in manifest.Artifacts)
            {
                var path = Path.Combine(dir, artifact.File);
                var actual = File.Exists(path) ? await Sha256Hex.OfFileAsync(path, cancellationToken).ConfigureAwait(false) : "missing";
                if (actual != artifact.Sha256)
                {
                    throw new WorkFailedException($"{path} does not match its shard's manifest (expected sha256 {artifact.Sha256}, found {actual}); rebuild that shard");
                }

                File.Copy(path, Path.Combine(staging.Path, artifact.File));
                artifacts.Add(artifact);
            }
        }

        var m = first.Manifest;
        var merged = new ReleaseManifest(m.Project, m.Version, m.Commit, m.GoVersion, m.SourceDateEpoch, shard: null, artifacts);
        await ReleaseOutput.WriteIndexFilesAsync(staging.Path, merged, cancellationToken).ConfigureAwait(false);
        staging.ReplaceDirectory(output);
        return merged;
    }

    /// <summary>The shards agree on what they are a release of, and every one of the N is there exactly once.</summary>
    private static void CheckComplete(IReadOnlyList<(string Dir, ReleaseManifest Manifest)> shards)
    {
        var first = shards[0];
        foreach (var (dir, manifest) in shards.Skip(1))
        {
            Agree("project", first, dir, manifest, m => m.Project);
            Agree("version", first, dir, manifest, m => m.Version);
            Agree("commit", first, dir, manifest, m => m.Commit);
            Agree("Go version", first, dir, manifest, m => m.GoVersion);
            Agree("source date", first, dir, manifest, m => m.SourceDateEpoch.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Agree("shard count", first, dir, manifest, m => m.Shard!.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var count = first.Manifest.Shard!.Count;
        foreach (var index in Enumerable.Range(1, count))
        {
            var matching = shards.Where(s => s.Manifest.Shard!.Index == index).ToArray();
            if (matching.Length != 1)
            {
                throw new ConfigurationException(matching.Length == 0
                    ? $"shard {index}/{count} is missing; pass the output directory of every shard"
                    : $"shard {index}/{count} was given twice: {string.Join(", ", matching.Select(m => m.Dir))}");
            }
        }
    }

    private static ReleaseManifest ReadShard(string dir)
    {
        var manifests = Directory.Exists(dir) ? Directory.GetFiles(dir, "manifest.shard-*-of-*.json") : [];
        return manifests.Length == 1
            ? ReleaseManifest.Read(manifests[0]) is { Shard: not null } manifest
                ? manifest
                : throw new ConfigurationException($"{manifests[0]} is not a shard manifest")
            : throw new ConfigurationException(manifests.Length == 0
                ? $"{dir} holds no shard manifest (manifest.shard-I-of-N.json); pass directories written by 'pibuild release --shard I/N'"
                : $"{dir} holds {manifests.Length} shard manifests; give each shard its own directory");
    }

    private static void Agree(string what, (string Dir, ReleaseManifest Manifest) first, string dir, ReleaseManifest other, Func<ReleaseManifest, string> field)
    {
        if (field(first.Manifest) != field(other))
        {
            throw new ConfigurationException(
                $"the shards disagree on the {what}: {first.Dir} (shard {first.Manifest.Shard!.Index}) has {field(first.Manifest)}, " +
                $"{dir} (shard {other.Shard!.Index}) has {field(other)}; build every shard from the same commit and settings");
        }
    }
}
