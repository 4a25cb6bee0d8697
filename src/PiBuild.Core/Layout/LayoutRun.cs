using System.Text.Json;
using PiBuild.Core.FileSystem;
using PiBuild.Core.Processes;

namespace PiBuild.Core.Layout;

/// <summary>Runs a <see cref="LayoutPlan"/>: builds the analyzer when the cache lacks it, runs it, puts its answers side by side.</summary>
internal sealed class LayoutRun(ProcessRunner runner)
{
    public async Task<LayoutReport> RunAsync(LayoutPlan plan, CancellationToken cancellationToken)
    {
        await EnsureAnalyzerAsync(plan, cancellationToken).ConfigureAwait(false);
        var result = await runner.RunAsync(plan.Analyze, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new WorkFailedException($"layout: {result.FirstLine.Replace("pibuild-layout: ", "", StringComparison.Ordinal)}") { Details = result.Tail(20) };
        }

        AnalyzerOutput output;
        try
        {
            output = JsonText.Deserialize(result.StandardOutput, PiBuildJson.Default.AnalyzerOutput);
        }
        catch (JsonException e)
        {
            throw new WorkFailedException($"the layout analyzer's answer is not what pibuild expects ({e.Message}); remove {plan.AnalyzerDirectory} and run again", e);
        }

        return LayoutReport.Compose(plan, output);
    }

    /// <summary>Builds the analyzer beside its cache directory and renames it into place; a concurrent run's build is as good.</summary>
    private async Task EnsureAnalyzerAsync(LayoutPlan plan, CancellationToken cancellationToken)
    {
        if (File.Exists(plan.AnalyzerExecutable))
        {
            return;
        }

        using var staging = StagingDirectory.Create(plan.AnalyzerDirectory, plan.StagingDirectory);
        LayoutAnalyzer.WriteSources(staging.Path);
        var result = await runner.RunAsync(plan.BuildAnalyzer, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new WorkFailedException($"go {plan.Toolchain.Version} could not build pibuild's layout analyzer: {result.FirstLine}; layout needs Go 1.18 or newer (--go 1.23)")
            {
                Details = result.Tail(20),
            };
        }

        if (Directory.Exists(plan.AnalyzerDirectory) && !File.Exists(plan.AnalyzerExecutable))
        {
            staging.ReplaceDirectory(plan.AnalyzerDirectory); // a directory left without its program: replace it
            return;
        }

        try
        {
            staging.MoveTo(plan.AnalyzerDirectory);
        }
        catch (IOException) when (File.Exists(plan.AnalyzerExecutable))
        {
            // Another pibuild built the same analyzer meanwhile; it is the same program.
        }
    }
}
