using System.Text.RegularExpressions;

namespace PiBuild.Core.Go;

/// <summary>
/// What the user asked for with <c>--go</c> or <c>$PIBUILD_GO</c>: a go executable (a path), a release
/// (<c>1.23.5</c>, <c>go1.23.5</c>, <c>go1.24rc1</c>), a release line (<c>1.23</c>: its newest release in Go's index),
/// <c>stable</c> (the newest stable release), or nothing (the module decides).
/// </summary>
internal abstract partial record ToolchainRequest(string Source)
{
    public static ToolchainRequest Parse(string? text, string source)
    {
        if (string.IsNullOrEmpty(text))
        {
            return new NoRequest();
        }

        if (text == "stable")
        {
            return new StableRequest(source);
        }

        if (VersionPattern().IsMatch(text) && GoVersion.TryParse(text.StartsWith("go", StringComparison.Ordinal) ? text : "go" + text, out var version))
        {
            return version!.IsLanguage ? new LineRequest(version, source) : new ExactRequest(version, source);
        }

        return new PathRequest(text, source);
    }

    [GeneratedRegex(@"^(go)?\d+\.\d+(\.\d+)?((rc|beta)\d+)?$")]
    private static partial Regex VersionPattern();
}

internal sealed record NoRequest() : ToolchainRequest("");

internal sealed record PathRequest(string Path, string Source) : ToolchainRequest(Source);

internal sealed record ExactRequest(GoVersion Version, string Source) : ToolchainRequest(Source);

internal sealed record LineRequest(GoVersion Language, string Source) : ToolchainRequest(Source);

internal sealed record StableRequest(string Source) : ToolchainRequest(Source);
