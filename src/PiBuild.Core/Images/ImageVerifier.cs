using System.Text.Json;
using PiBuild.Core.Archives;
using PiBuild.Core.Binaries;
using PiBuild.Core.FileSystem;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Images;

/// <summary>Where an image is read from: a registry (<c>docker://REF</c>) or an OCI layout (<c>oci:DIR[:TAG]</c>).</summary>
internal abstract class ImageSource : IDisposable
{
    public const string DockerPrefix = "docker://";
    public const string LayoutPrefix = "oci:";

    public abstract string Name { get; }

    public static bool Names(string text) => text.StartsWith(DockerPrefix, StringComparison.Ordinal) || text.StartsWith(LayoutPrefix, StringComparison.Ordinal);

    public static ImageSource Open(string text, Func<string, string?> getVariable)
    {
        if (text.StartsWith(DockerPrefix, StringComparison.Ordinal))
        {
            var reference = ImageReference.Parse(text[DockerPrefix.Length..], text);
            return new RegistrySource(reference, new RegistryClient(reference, RegistryCredentials.For(reference.Registry, getVariable)));
        }

        var body = text[LayoutPrefix.Length..];
        var colon = body.LastIndexOf(':');
        var (directory, tag) = colon > 0 && !body[(colon + 1)..].Contains('/', StringComparison.Ordinal) ? (body[..colon], body[(colon + 1)..]) : (body, null);
        return File.Exists(Path.Combine(directory, "oci-layout"))
            ? new LayoutSource(new OciLayout(Path.GetFullPath(directory)), tag, text)
            : throw new ConfigurationException($"{directory} is not an OCI image layout (no oci-layout file); name one written by pibuild image -o, skopeo or podman");
    }

    /// <summary>The document the reference names: an index, or a single manifest.</summary>
    public abstract Task<(string MediaType, byte[] Body)> RootAsync(CancellationToken cancellationToken);

    public abstract Task<byte[]> ManifestAsync(string digest, CancellationToken cancellationToken);

    public abstract Task<Stream> BlobAsync(string digest, CancellationToken cancellationToken);

    public virtual void Dispose()
    {
    }

    private sealed class RegistrySource(ImageReference reference, RegistryClient client) : ImageSource
    {
        public override string Name => DockerPrefix + reference;

        public override Task<(string MediaType, byte[] Body)> RootAsync(CancellationToken cancellationToken) => client.GetManifestAsync(reference.Reference, cancellationToken);

        public override async Task<byte[]> ManifestAsync(string digest, CancellationToken cancellationToken) => (await client.GetManifestAsync(digest, cancellationToken).ConfigureAwait(false)).Body;

        public override Task<Stream> BlobAsync(string digest, CancellationToken cancellationToken) => client.OpenBlobAsync(digest, cancellationToken);

        public override void Dispose() => client.Dispose();
    }

    private sealed class LayoutSource(OciLayout layout, string? tag, string name) : ImageSource
    {
        public override string Name => name;

        public override async Task<(string MediaType, byte[] Body)> RootAsync(CancellationToken cancellationToken)
        {
            using var index = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(layout.Root, "index.json"), cancellationToken).ConfigureAwait(false));
            var entries = index.RootElement.GetProperty("manifests").EnumerateArray().ToArray();
            var chosen = tag is null
                ? entries.Length == 1 ? entries[0] : throw new ConfigurationException($"{name} holds {entries.Length} images; name one: {name}:TAG")
                : entries.FirstOrDefault(e => e.TryGetProperty("annotations", out var a) && a.TryGetProperty("org.opencontainers.image.ref.name", out var r) && r.GetString() == tag);
            if (chosen.ValueKind != JsonValueKind.Object)
            {
                throw new ConfigurationException($"{name}: the layout has no image tagged '{tag}'");
            }

            var descriptor = OciJson.ReadDescriptor(chosen);
            return (descriptor.MediaType, await File.ReadAllBytesAsync(layout.BlobPath(descriptor.Digest), cancellationToken).ConfigureAwait(false));
        }

        public override Task<byte[]> ManifestAsync(string digest, CancellationToken cancellationToken) => File.ReadAllBytesAsync(layout.BlobPath(digest), cancellationToken);

        public override Task<Stream> BlobAsync(string digest, CancellationToken cancellationToken) => Task.FromResult<Stream>(File.OpenRead(layout.BlobPath(digest)));
    }
}

/// <summary>One ELF file of an image entry, judged for the platform the entry claims (and for the board asked, on the entry it would pull).</summary>
/// <param name="Problem">Why it will not run, in a sentence naming the entry, the file and the board; null when it will.</param>
internal sealed record ImageFileCheck(OciPlatform Platform, string File, BinaryCheck Check, string? Problem);

/// <summary>
/// Verifies any image index, the user's or a third party's: each Pi platform entry's layers are pulled one at a time
/// (streamed to disk, checked against their digest, extracted by the one safe extraction path), every ELF executable
/// and shared object in them checked against the lowest board of the platform the entry claims — GOARM/GOARM64 from Go
/// build info, <c>Tag_CPU_arch</c> for C code, the loader — and the board asked must find an entry it can pull.
/// </summary>
internal static class ImageVerifier
{
    public static async Task<IReadOnlyList<ImageFileCheck>> VerifyAsync(ImageSource source, TargetProfile board, ProfileCatalog catalog, string scratch, CancellationToken cancellationToken)
    {
        var (mediaType, body) = await source.RootAsync(cancellationToken).ConfigureAwait(false);
        var entries = await EntriesAsync(source, mediaType, body, cancellationToken).ConfigureAwait(false);
        var boardPlatform = ImagePlatforms.Of(board);
        var pulled = ImagePlatforms.Pulled(entries.Select(e => e.Platform), boardPlatform);
        if (pulled is null)
        {
            throw new WorkFailedException(
                $"{source.Name} has no entry a {board.Name} ({board.Board}) can pull: it needs {boardPlatform}{(boardPlatform.Architecture == "arm" ? " or lower" : "")}, the index has {string.Join(", ", entries.Select(e => e.Platform.ToString()).DefaultIfEmpty("none"))}");
        }

        var checks = new List<ImageFileCheck>();
        foreach (var (platform, manifest) in entries)
        {
            // Each entry is judged for the lowest board of the platform it claims; the entry the board pulls for the board too.
            var claimed = ImagePlatforms.LowestBoard(platform, catalog);
            TargetProfile[] judges = [.. new[] { claimed, platform == pulled ? board : null }.OfType<TargetProfile>().DistinctBy(b => b.Name)];
            if (judges.Length == 0)
            {
                continue;
            }

            using var document = JsonDocument.Parse(await source.ManifestAsync(manifest, cancellationToken).ConfigureAwait(false));
            var layers = document.RootElement.GetProperty("layers").EnumerateArray().Select(OciJson.ReadDescriptor).ToArray();
            checks.AddRange(await CheckLayersAsync(source, platform, layers, judges, scratch, null, cancellationToken).ConfigureAwait(false));
        }

        return checks;
    }

    /// <summary>An index's entries that name a platform; a single manifest is one entry, its platform read from its config.</summary>
    public static async Task<IReadOnlyList<(OciPlatform Platform, string Manifest)>> EntriesAsync(ImageSource source, string mediaType, byte[] body, CancellationToken cancellationToken)
    {
        using var root = JsonDocument.Parse(body);
        if (OciMediaTypes.IsIndex(mediaType))
        {
            return root.RootElement.GetProperty("manifests").EnumerateArray().Select(OciJson.ReadDescriptor)
                .Where(d => d.Platform is not null).Select(d => (d.Platform!, d.Digest)).ToArray();
        }

        var config = OciJson.ReadDescriptor(root.RootElement.GetProperty("config"));
        await using var stream = await source.BlobAsync(config.Digest, cancellationToken).ConfigureAwait(false);
        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        var c = document.RootElement;
        var platform = new OciPlatform(c.GetProperty("os").GetString() ?? "", c.GetProperty("architecture").GetString() ?? "", c.TryGetProperty("variant", out var v) ? v.GetString() : null);
        var digest = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body));
        return [(platform, digest)];
    }

    /// <summary>
    /// Pulls each layer (streamed to a file, its digest checked), unpacks it by the safe extraction path and judges
    /// every ELF file in it. With <paramref name="keepIn"/>, the layers are kept there as blobs (a base image's).
    /// </summary>
    public static async Task<IReadOnlyList<ImageFileCheck>> CheckLayersAsync(
        ImageSource source, OciPlatform platform, IReadOnlyList<OciDescriptor> layers, IReadOnlyList<TargetProfile> judges, string scratch, OciLayout? keepIn, CancellationToken cancellationToken)
    {
        var checks = new List<ImageFileCheck>();
        foreach (var layer in layers)
        {
            var blob = keepIn?.BlobPath(layer.Digest) ?? Path.Combine(scratch, "layer.tar.gz");
            var tree = Path.Combine(scratch, "layer");
            try
            {
                if (!File.Exists(blob))
                {
                    var partial = blob + ".partial";
                    await using (var input = await source.BlobAsync(layer.Digest, cancellationToken).ConfigureAwait(false))
                    await using (var output = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
                    {
                        await input.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
                    }

                    File.Move(partial, blob);
                }

                await SafeExtractor.ExtractAsync(blob, tree, new ExtractOptions(ExpectedSha256: layer.Digest["sha256:".Length..], DisplayName: $"{source.Name}'s {platform} layer {layer.Digest[..19]}…"), cancellationToken).ConfigureAwait(false);
                foreach (var file in ElfFiles(tree))
                {
                    var inImage = "/" + Path.GetRelativePath(tree, file);
                    // One verdict per file: the first judge it fails, else the entry's own.
                    var verdicts = judges.Select(judge => (Judge: judge, Check: BinaryVerifier.Check(file, judge, rules: VerificationRules.InImage) with { Path = $"{platform} {inImage}" })).ToArray();
                    var (by, check) = verdicts.FirstOrDefault(v => !v.Check.Passed) is { Check: not null } failed ? failed : verdicts[0];
                    checks.Add(new ImageFileCheck(platform, inImage, check, check.Passed ? null : Problem(platform, inImage, check, by)));
                }
            }
            finally
            {
                if (keepIn is null)
                {
                    File.Delete(blob);
                }

                PosixFiles.DeleteTree(tree);
            }
        }

        return checks;
    }

    private static string Problem(OciPlatform platform, string file, BinaryCheck check, TargetProfile judge) =>
        check.GoArch is "arm" or "arm64" && check.GoArch == judge.GoArch
            ? $"the {platform} entry's {file} is {check.BuiltFor} code: it will die with SIGILL on a {judge.Board} ({judge.Name}: {string.Join("; ", check.Problems)})"
            : $"the {platform} entry's {file} will not run on a {judge.Board} ({judge.Name}): {string.Join("; ", check.Problems)}";

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

/// <summary>Boards and OCI platforms: which platform a board's client pulls, and which board an entry's claim is judged by.</summary>
internal static class ImagePlatforms
{
    public static OciPlatform Of(TargetProfile board) =>
        ArchLevel.Of(board).OciVariant is { } variant
            ? new OciPlatform(board.GoOs, board.GoArch, variant)
            : throw new ConfigurationException($"{board.Name} is {board.GoOs}/{board.GoArch}: images are for linux/arm and linux/arm64 boards");

    /// <summary>v6 → 6, v7 → 7, v8 → 8: variants of one architecture in the order a client falls back through.</summary>
    public static int Level(OciPlatform platform) =>
        platform.Variant is { Length: > 1 } v && int.TryParse(v[1..], out var level) ? level : 0;

    /// <summary>
    /// The entry a client on <paramref name="wanted"/> pulls, as containerd's matcher does: the same OS and
    /// architecture, the highest variant at or below its own (an ARMv7 client falls back to v6); null when none fits.
    /// </summary>
    public static OciPlatform? Pulled(IEnumerable<OciPlatform> entries, OciPlatform wanted) =>
        entries.Where(e => e.Os == wanted.Os && e.Architecture == wanted.Architecture && Level(e) <= Level(wanted))
            .OrderByDescending(Level).FirstOrDefault();

    /// <summary>The built-in board with the lowest level of the platform: what the entry must run on.</summary>
    public static TargetProfile? LowestBoard(OciPlatform platform, ProfileCatalog catalog) =>
        catalog.All.Where(b => b.IsBuiltIn && ArchLevel.Of(b).OciVariant is not null && Of(b) == platform)
            .OrderBy(b => ArchLevel.Of(b).Rank).ThenBy(b => b.Name, StringComparer.Ordinal).FirstOrDefault();
}
