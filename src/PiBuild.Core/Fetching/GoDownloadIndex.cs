using System.Text.Json;

namespace PiBuild.Core.Fetching;

/// <summary>One release as Go's download index lists it.</summary>
internal sealed record GoRelease(string? Version, bool Stable, IReadOnlyList<GoReleaseFile>? Files);

/// <summary>One file of a release, as the index lists it.</summary>
internal sealed record GoReleaseFile(string? Filename, string? Os, string? Arch, string? Version, string? Sha256, long Size, string? Kind);

/// <summary>One file of a Go release as Go's download index lists it.</summary>
internal sealed record GoDownloadFile(string Version, string FileName, string Os, string Arch, string Kind, string Sha256, long Size, bool Stable);

/// <summary>
/// Go's download index (<c>https://go.dev/dl/?mode=json&amp;include=all</c>): every release with its files'
/// names, kinds, sizes and SHA-256 digests. pibuild uses it to know the checksum of an official tarball.
/// </summary>
internal sealed class GoDownloadIndex
{
    private readonly IReadOnlyList<GoDownloadFile> _files;

    internal GoDownloadIndex(IReadOnlyList<GoDownloadFile> files) => _files = files;

    public const string DefaultUrl = "https://go.dev/dl/?mode=json&include=all";

    internal IReadOnlyList<GoDownloadFile> Files => _files;

    internal static GoDownloadIndex Parse(string json, string origin)
    {
        try
        {
            var releases = JsonText.Deserialize(json, PiBuildJson.Default.GoReleaseArray);
            return new GoDownloadIndex(releases.SelectMany(release => (release.Files ?? []).Select(f => new GoDownloadFile(
                release.Version ?? "", f.Filename ?? "", f.Os ?? "", f.Arch ?? "", f.Kind ?? "", (f.Sha256 ?? "").ToLowerInvariant(), f.Size, release.Stable))).ToArray());
        }
        catch (JsonException e)
        {
            // Where the text stops being an index is said; the JSON parser's own words (with --verbose) are not for users.
            var where = e.LineNumber is { } line ? $" (not a JSON list of releases, at line {line + 1})" : " (not a JSON list of releases)";
            throw new WorkFailedException($"{origin} is not Go's download index{where}; check --index", e);
        }
    }

    internal GoDownloadFile? Find(string fileName) => _files.FirstOrDefault(f => f.FileName == fileName);

    /// <summary>Where the index's files are downloaded from: <c>https://go.dev/dl/?mode=json</c> lists files under <c>https://go.dev/dl/</c>.</summary>
    internal static string FileUrl(string indexUrl, string fileName)
    {
        var withoutQuery = indexUrl.Split('?')[0];
        return (withoutQuery.EndsWith('/') ? withoutQuery : withoutQuery[..(withoutQuery.LastIndexOf('/') + 1)]) + fileName;
    }
}
