using PiBuild.Core.Projects;

namespace PiBuild.Core.Go;

/// <summary>
/// What a module asks of the Go that builds it: its go.mod's <c>go</c> line (the minimum, from Go 1.21 on) and
/// <c>toolchain</c> line (the release it suggests). A gb-style project asks nothing.
/// </summary>
internal sealed record GoRequirement(GoVersion? Go, GoVersion? Toolchain, string Source)
{
    public static GoRequirement None { get; } = new(null, null, "");

    /// <summary>The oldest Go that may build the module: the newer of the two lines, as GOTOOLCHAIN=auto reads them.</summary>
    public GoVersion? Minimum => (Go, Toolchain) switch
    {
        ({ } go, { } toolchain) => toolchain > go ? toolchain : go,
        ({ } go, null) => go,
        (null, { } toolchain) => toolchain,
        _ => null,
    };

    /// <summary>"go.mod says go 1.23 and toolchain go1.23.4", for messages.</summary>
    public string Describe() =>
        $"{Source} says {string.Join(" and ", new[] { Go is null ? null : $"go {Go.Text[2..]}", Toolchain is null ? null : $"toolchain {Toolchain}" }.OfType<string>())}";

    /// <summary>The go and toolchain lines of the project's go.mod; nothing for a gb-style project.</summary>
    public static GoRequirement Of(GoProject project)
    {
        var goMod = Path.Combine(project.Root, "go.mod");
        if (project.Layout != ProjectLayout.Module || !File.Exists(goMod))
        {
            return None;
        }

        GoVersion? go = null;
        GoVersion? toolchain = null;
        foreach (var raw in File.ReadLines(goMod))
        {
            var line = raw.Split("//", 2)[0].Trim();
            var (keyword, value) = line.IndexOfAny([' ', '\t']) is > 0 and var space ? (line[..space], line[(space + 1)..].Trim()) : (line, "");
            if (keyword == "go" && GoVersion.TryParse("go" + value, out var goLine))
            {
                go = goLine;
            }
            else if (keyword == "toolchain" && GoVersion.TryParse(value, out var toolchainLine))
            {
                toolchain = toolchainLine;
            }
        }

        return new GoRequirement(go, toolchain, goMod);
    }
}
