using PiBuild.Core.Binaries;
using PiBuild.Core.Builds;
using PiBuild.Core.Processes;
using PiBuild.Core.Projects;
using PiBuild.Core.Targets;

namespace PiBuild.Cli.Common;

/// <summary>The parse → plan → run → verify → report flow that <c>cross</c>, <c>build</c> and <c>run</c> share.</summary>
internal static class BuildSteps
{
    public static async Task<(CrossBuildPlan Plan, IReadOnlyList<TargetBuildResult> Results)> BuildAsync(
        CliContext context,
        IReadOnlyList<TargetProfile> targets,
        IReadOnlyList<string> packages,
        string? outputRoot,
        CancellationToken cancellationToken)
    {
        var project = GoProject.Detect(context.ProjectDirectory);
        var toolchain = await context.LocateGoAsync(cancellationToken).ConfigureAwait(false);
        var request = new CrossBuildRequest(targets, packages, outputRoot is null ? null : Path.GetFullPath(outputRoot), context.Verbose);
        var plan = CrossBuildPlanner.Plan(request, project, toolchain, context.Paths, $"{Environment.ProcessId}");
        if (context.Verbose)
        {
            foreach (var build in plan.Builds)
            {
                await context.Error.WriteLineAsync($"# {build.Target.Name}: (cd {build.GoBuild.WorkingDirectory} && {build.GoBuild.ToShellLine()})").ConfigureAwait(false);
            }
        }

        var streaming = context.Verbose ? new ProcessOutput(context.Error.WriteLine, context.Error.WriteLine) : null;
        var results = await new CrossBuild(context.Runner).RunAsync(plan, streaming, cancellationToken).ConfigureAwait(false);
        return (plan, results);
    }

    public static void Report(CliContext context, CrossBuildPlan plan, IReadOnlyList<TargetBuildResult> results)
    {
        if (context.Json)
        {
            var binaries = results.SelectMany(r => r.Binaries.Select(b => BinaryJson.From(r.Target.Name, b))).ToArray();
            JsonOutput.Write(context.Out, new BuildResultJson(plan.Project.Root, plan.Toolchain.Version.Text, binaries), JsonOutput.Default.BuildResultJson);
            return;
        }

        foreach (var result in results)
        {
            foreach (var binary in result.Binaries)
            {
                context.Say(Line(result.Target, binary));
            }
        }
    }

    public static string Line(TargetProfile target, BinaryCheck binary)
    {
        var arch = binary.GoArm is { } goarm ? $"GOARM={goarm}" : $"{binary.BuildInfo?.Setting("GOOS")}/{binary.BuildInfo?.Setting("GOARCH")}";
        return $"{target.Name,-6} {CliContext.Display(binary.Path),-32} {ByteSize.Format(binary.Size),9}  {arch}  {(binary.Passed ? "verified" : "REJECTED")}";
    }
}
