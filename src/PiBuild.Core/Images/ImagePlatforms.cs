using PiBuild.Core.Targets;

namespace PiBuild.Core.Images;

/// <summary>Boards and OCI platforms: which platform a board's client pulls, and which board an entry's claim is judged by.</summary>
internal static class ImagePlatforms
{
    public static OciPlatform Of(TargetProfile board) =>
        ArchLevel.Of(board).OciVariant is { } variant
            ? new OciPlatform(board.GoOs, board.GoArch, variant)
            : throw new ConfigurationException($"{board.Name} is {board.GoOs}/{board.GoArch}: images are for linux/arm and linux/arm64 boards");

    /// <summary>
    /// v6 → 6, v7 → 7, v8 → 8: variants of one architecture in the order a client falls back through, read from the
    /// platform as clients read it (<see cref="AsPulled"/>).
    /// </summary>
    public static int Level(OciPlatform platform) =>
        AsPulled(platform).Variant is { Length: > 1 } v && int.TryParse(v[1..], out var level) ? level : 0;

    /// <summary>
    /// The platform as clients read it (containerd's normalization, which podman shares): linux/arm without a variant
    /// is linux/arm/v7 (as Docker Hub's armhf images are), linux/arm64 without one is linux/arm64/v8.
    /// </summary>
    public static OciPlatform AsPulled(OciPlatform platform) => platform switch
    {
        { Architecture: "arm", Variant: null or "" } => platform with { Variant = "v7" },
        { Architecture: "arm64", Variant: null or "" } => platform with { Variant = "v8" },
        _ => platform,
    };

    /// <summary>
    /// The entry a client on <paramref name="wanted"/> pulls, as containerd's matcher does: the same OS and
    /// architecture, the highest variant at or below its own (an ARMv7 client falls back to v6); null when none fits.
    /// </summary>
    public static OciPlatform? Pulled(IEnumerable<OciPlatform> entries, OciPlatform wanted) =>
        entries.Where(e => e.Os == wanted.Os && e.Architecture == wanted.Architecture && Level(e) <= Level(wanted))
            .OrderByDescending(Level).FirstOrDefault();

    /// <summary>The built-in board with the lowest level of the platform: what the entry must run on.</summary>
    public static TargetProfile? LowestBoard(OciPlatform platform, ProfileCatalog catalog) =>
        catalog.All.Where(b => b.IsBuiltIn && ArchLevel.Of(b).OciVariant is not null && Of(b) == AsPulled(platform))
            .OrderBy(b => ArchLevel.Of(b).Rank).ThenBy(b => b.Name, StringComparer.Ordinal).FirstOrDefault();
}
