using PiBuild.Core.Archives;
using PiBuild.Core.Binaries;
using PiBuild.Core.Digests;
using PiBuild.Core.FileSystem;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Images;

/// <summary>One ELF file of an image entry, judged for the platform the entry claims (and for the board asked, on the entry it would pull).</summary>
/// <param name="Problem">Why it will not run, in a sentence naming the entry, the file and the board; null when it will.</param>
internal sealed record ImageFileCheck(OciPlatform Platform, string File, BinaryCheck Check, string? Problem);

/// <summary>An index entry for a platform: the manifest a client of that platform pulls.</summary>
internal sealed record ImageEntry(OciPlatform Platform, OciDescriptor Manifest);

/// <summary>Every ELF file judged, and what was worth saying beside (entries skipped, an entry without ELF files).</summary>
internal sealed record ImageVerification(IReadOnlyList<ImageFileCheck> Checks, IReadOnlyList<string> Notes);

/// <summary>
/// Verifies any image index, the user's or a third party's: each Pi platform entry's layers are pulled one at a time
/// (through the download store, checked against their digest, extracted by the one safe extraction path), every ELF
/// executable and shared object in them checked against the lowest board of the platform the entry claims — GOARM/GOARM64
/// from Go build info, <c>Tag_CPU_arch</c> for C code, the loader — and the board asked must find an entry it can pull.
/// An index's entries are deduplicated: a client pulls the first entry of a platform, so only that one is judged.
/// </summary>
internal static class ImageVerifier
{
    public static async Task<ImageVerification> VerifyAsync(ImageSource source, TargetProfile board, ProfileCatalog catalog, string scratch, VerificationRules rules, CancellationToken cancellationToken)
    {
        var (mediaType, body) = await source.RootAsync(cancellationToken).ConfigureAwait(false);
        var (entries, skipped) = await EntriesAsync(source, mediaType, body, cancellationToken).ConfigureAwait(false);
        var notes = new List<string>();
        if (skipped > 0)
        {
            notes.Add($"{source.Name}: {skipped} index entr{(skipped == 1 ? "y" : "ies")} skipped (a platform listed again, which no client pulls)");
        }

        var boardPlatform = ImagePlatforms.Of(board);
        var pulled = ImagePlatforms.Pulled(entries.Select(e => e.Platform), boardPlatform);
        if (pulled is null)
        {
            throw new WorkFailedException(
                $"{source.Name} has no entry a {board.Name} ({board.Board}) can pull: it needs {boardPlatform}{(boardPlatform.Architecture == "arm" ? " or lower" : "")}, " +
                (OciMediaTypes.IsIndex(mediaType)
                    ? $"the index has {string.Join(", ", entries.Select(e => Described(e.Platform)).DefaultIfEmpty("none"))}"
                    : $"the image (one manifest, no index) is {Described(entries[0].Platform)}"));
        }

        var checks = new List<ImageFileCheck>();
        foreach (var entry in entries)
        {
            // Each entry is judged for the lowest board of the platform it claims, and named by it; the entry the board
            // pulls is judged for the board first, and named by it.
            var claimed = ImagePlatforms.LowestBoard(entry.Platform, catalog);
            TargetProfile[] judges = [.. new[] { entry.Platform == pulled ? board : null, claimed }.OfType<TargetProfile>().DistinctBy(b => b.Name)];
            if (judges.Length == 0)
            {
                continue;
            }

            var what = $"{source.Name}'s {entry.Platform} manifest {entry.Manifest.Digest.Short}";
            var layers = OciDocuments.Layers(OciDocuments.ReadManifest(await source.ManifestAsync(entry.Manifest, cancellationToken).ConfigureAwait(false), what), what);
            var found = await CheckLayersAsync(source, entry.Platform, layers, judges, scratch, null, rules, cancellationToken).ConfigureAwait(false);
            if (found.Count == 0)
            {
                notes.Add($"the {entry.Platform} entry of {source.Name} holds no ELF files: nothing in it to verify");
            }

            checks.AddRange(found);
        }

        return checks.Count > 0
            ? new ImageVerification(checks, notes)
            : throw new WorkFailedException($"{source.Name} holds no ELF files in any Pi entry ({string.Join(", ", entries.Select(e => e.Platform.ToString()))}): nothing was verified; is it the image you meant?");
    }

    /// <summary>
    /// An index's entries that name a platform, the first of each platform (as clients pull them) and each digest once;
    /// a single manifest is one entry, its platform read from its config. Also how many entries were skipped.
    /// </summary>
    public static async Task<(IReadOnlyList<ImageEntry> Entries, int Skipped)> EntriesAsync(ImageSource source, string mediaType, byte[] body, CancellationToken cancellationToken)
    {
        var root = OciDocuments.ReadManifest(body, $"{source.Name}'s {(OciMediaTypes.IsIndex(mediaType) ? "index" : "manifest")}");
        if (OciMediaTypes.IsIndex(mediaType))
        {
            var all = OciDocuments.Entries(root, $"{source.Name}'s index").Where(d => d.Platform is not null).Select(d => new ImageEntry(d.Platform!, d)).ToArray();
            var kept = all.DistinctBy(e => ImagePlatforms.AsPulled(e.Platform)).DistinctBy(e => e.Manifest.Digest).ToArray();
            return (kept, all.Length - kept.Length);
        }

        var what = $"{source.Name}'s manifest";
        var config = OciDocuments.Config(root, what);
        var platform = OciDocuments.Platform(OciDocuments.ReadConfig(await source.ConfigAsync(config, cancellationToken).ConfigureAwait(false), $"{what}'s config"), $"{what}'s config");
        return ([new ImageEntry(platform, new OciDescriptor(mediaType, OciDigest.Of(body), body.Length, platform))], 0);
    }

    /// <summary>
    /// Pulls each layer (into the download store, its digest checked), unpacks it by the safe extraction path and judges
    /// every ELF file in it. With <paramref name="keepIn"/>, the layers are copied there as blobs (a base image's).
    /// </summary>
    public static async Task<IReadOnlyList<ImageFileCheck>> CheckLayersAsync(
        ImageSource source, OciPlatform platform, IReadOnlyList<OciDescriptor> layers, IReadOnlyList<TargetProfile> judges, string scratch, OciLayout? keepIn, VerificationRules rules, CancellationToken cancellationToken)
    {
        var checks = new List<ImageFileCheck>();
        foreach (var layer in layers.DistinctBy(l => l.Digest))
        {
            var name = $"{source.Name}'s {platform} layer {layer.Digest.Short}";
            var tree = Path.Combine(scratch, "layer");
            try
            {
                var blob = await source.LayerAsync(layer, name, cancellationToken).ConfigureAwait(false);
                await SafeExtractor.ExtractAsync(blob, tree, new ExtractOptions(
                    ExpectedSha256: layer.Digest.Hex, DisplayName: name,
                    PublishedBroken: $"{source.Name} is a broken image (umoci 0.4.7's insert writes such layers, opencontainers/umoci#436); it needs rebuilding"), cancellationToken).ConfigureAwait(false);
                if (keepIn is not null && !File.Exists(keepIn.BlobPath(layer.Digest)))
                {
                    File.Copy(blob, keepIn.BlobPath(layer.Digest));
                }

                foreach (var file in ElfFiles(tree))
                {
                    var inImage = "/" + Path.GetRelativePath(tree, file);
                    // One verdict per file: the first judge it fails, else the first judge's, named by the board that judged it.
                    var verdicts = judges.Select(judge => (Judge: judge, Check: BinaryVerifier.Check(file, judge, rules: rules) with { Path = $"{platform} {inImage}", JudgedAs = judge.Name })).ToArray();
                    var (by, check) = verdicts.FirstOrDefault(v => !v.Check.Passed) is { Check: not null } failed ? failed : verdicts[0];
                    checks.Add(new ImageFileCheck(platform, inImage, check, check.Passed ? null : Problem(source.Name, platform, inImage, check, by)));
                }
            }
            finally
            {
                PosixFiles.DeleteTree(tree);
            }
        }

        return checks;
    }

    /// <summary>A platform as the user should read it: a variant-less arm entry says how clients take it.</summary>
    private static string Described(OciPlatform platform) =>
        platform is { Architecture: "arm", Variant: null or "" } ? $"{platform} (no variant: clients pull it as v7)" : platform.ToString();

    /// <summary>Why a file of an image will not run, naming the image, and the way out: the image's, not a build setting here.</summary>
    private static string Problem(string image, OciPlatform platform, string file, BinaryCheck check, TargetProfile judge) =>
        check.GoArch is "arm" or "arm64" && check.GoArch == judge.GoArch
            ? $"{image}: the {platform} entry's {file} is {check.BuiltFor} code: it will die with SIGILL on a {judge.Board} ({judge.Name}: {string.Join("; ", check.Problems)}); the image needs that entry rebuilt for {judge.Name}"
            : $"{image}: the {platform} entry's {file} will not run on a {judge.Board} ({judge.Name}): {string.Join("; ", check.Problems)}; the image needs that entry rebuilt for {judge.Name}";

    /// <summary>Regular files that start as ELF does: executables and shared objects alike.</summary>
    private static IEnumerable<string> ElfFiles(string tree)
    {
        return Directory.EnumerateFiles(tree, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint }).Where(IsElf);
    }

    private static bool IsElf(string file)
    {
        Span<byte> head = stackalloc byte[4];
        using var stream = File.OpenRead(file);
        return stream.Read(head) == 4 && head.SequenceEqual((ReadOnlySpan<byte>)[0x7f, (byte)'E', (byte)'L', (byte)'F']);
    }
}
