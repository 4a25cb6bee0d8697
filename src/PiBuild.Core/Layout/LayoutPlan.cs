using System.Text.Json.Nodes;
using PiBuild.Core.FileSystem;
using PiBuild.Core.Go;
using PiBuild.Core.Processes;
using PiBuild.Core.Projects;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Layout;

/// <summary>One GOARCH the analyzer lays types out for, and the selected boards it stands for (their layouts are the same).</summary>
public sealed record BoardGroup(string GoArch, IReadOnlyList<string> Boards)
{
    /// <summary>How reports name the group: <c>pi1</c>, or <c>pi0,pi1,pi2</c>.</summary>
    public string Label => string.Join(',', Boards);
}

/// <summary>
/// <c>pibuild layout</c> as a value: the analyzer's build (once per toolchain and analyzer source, into the cache)
/// and its one run over the project for every GOARCH of the selected boards.
/// </summary>
internal sealed record LayoutPlan(GoProject Project, GoToolchain Toolchain, IReadOnlyList<BoardGroup> Groups, string AnalyzerDirectory, string StagingDirectory, ProcessSpec BuildAnalyzer, ProcessSpec Analyze)
{
    public string AnalyzerExecutable => Path.Combine(AnalyzerDirectory, LayoutAnalyzer.ExecutableName);
}

internal static class LayoutPlanner
{
    public static LayoutPlan Plan(IReadOnlyList<TargetProfile> targets, IReadOnlyList<string> packages, GoProject project, GoToolchain toolchain, PiBuildPaths paths)
    {
        var groups = targets.GroupBy(t => t.GoArch, StringComparer.Ordinal).ToArray();
        var directory = Path.Combine(paths.CacheDirectory, "layout", $"{LayoutAnalyzer.SourceHash}-{toolchain.Version.Text}");

        // Built for the machine pibuild runs on, as a module of its own with no dependencies.
        var buildEnvironment = GoEnvironment.Clean().With("GO111MODULE", "on").With("CGO_ENABLED", "0")
            .WithCache(paths.GoBuildCache("host", toolchain.Version.Text));
        var staging = StagingDirectory.PathBeside(directory);
        var build = new ProcessSpec(toolchain.GoExecutable, ["build", "-trimpath", "-o", LayoutAnalyzer.ExecutableName, "."], staging, buildEnvironment.Variables);

        // Each GOARCH's go list shares the build cache of the first board with it, so a layout after a cross build
        // (or before one) compiles nothing twice.
        string[] arguments =
        [
            "-go", toolchain.GoExecutable,
            .. groups.SelectMany(g => new[] { "-target", TargetEnvironment(g.First(), toolchain, paths) }),
            "--",
            .. packages.Count > 0 ? packages : ["./..."],
        ];
        var analyze = new ProcessSpec(Path.Combine(directory, LayoutAnalyzer.ExecutableName), arguments, project.BuildDirectory, GoEnvironment.Clean().ForProject(project).Variables);
        return new LayoutPlan(project, toolchain, groups.Select(g => new BoardGroup(g.Key, g.Select(t => t.Name).ToArray())).ToArray(), directory, staging, build, analyze);
    }

    /// <summary>The board's go environment (GOOS, GOARCH, its level, cgo, its build cache) as the analyzer's JSON argument.</summary>
    private static string TargetEnvironment(TargetProfile board, GoToolchain toolchain, PiBuildPaths paths)
    {
        var variables = GoEnvironment.Clean().ForTarget(board, toolchain.Version).WithCache(paths.GoBuildCache(board.Platform, toolchain.Version.Text)).Variables;
        var json = new JsonObject();
        foreach (var name in new[] { "GOOS", "GOARCH", "GOARM", "GOARM64", "CGO_ENABLED", "GOCACHE" })
        {
            if (variables.GetValueOrDefault(name) is { } value)
            {
                json[name] = value;
            }
        }

        return json.ToJsonString();
    }
}
