using PiBuild.Core.Binaries;
using PiBuild.Core.FileSystem;
using PiBuild.Core.Processes;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Builds;

/// <summary>One target's verified binaries, now in place under its output directory.</summary>
public sealed record TargetBuildResult(TargetProfile Target, IReadOnlyList<BinaryCheck> Binaries);

/// <summary>
/// Runs a <see cref="CrossBuildPlan"/>: <c>go build</c> per target into a staging directory, verifies every
/// binary, and only then moves them into <c>bin/&lt;target&gt;/</c>. A failed, rejected or interrupted build leaves
/// nothing new under the output directory.
/// </summary>
internal sealed class CrossBuild(ProcessRunner runner)
{
    /// <param name="verbose">Stream go's own lines to <see cref="IPipelineEvents.ToolOutput"/>.</param>
    /// <param name="maxParallel">How many targets build at once (each go build is one process tree with its own cache).</param>
    public async Task<IReadOnlyList<TargetBuildResult>> RunAsync(
        CrossBuildPlan plan,
        IPipelineEvents events,
        bool verbose,
        CancellationToken cancellationToken,
        int maxParallel = int.MaxValue)
    {
        using var slots = new SemaphoreSlim(Math.Max(1, Math.Min(maxParallel, plan.Builds.Count)));
        var results = await Task.WhenAll(plan.Builds.Select(async build =>
        {
            await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await RunTargetAsync(plan, build, events, verbose, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                slots.Release();
            }
        })).ConfigureAwait(false);
        return results;
    }

    /// <summary>
    /// Targets to build at once: one per core, and one per GiB of available memory (a cold build of the standard
    /// library can take about that much).
    /// </summary>
    public static int DefaultParallelism()
    {
        var memory = Setup.HostMemory.AvailableBytes() ?? long.MaxValue;
        return (int)Math.Max(1, Math.Min(Environment.ProcessorCount, memory / (1L << 30)));
    }

    private async Task<TargetBuildResult> RunTargetAsync(CrossBuildPlan plan, TargetBuild build, IPipelineEvents events, bool verbose, CancellationToken cancellationToken)
    {
        WritableDirectory.Ensure(build.OutputDirectory, "the output directory", "choose another with -o DIR");
        using var staging = StagingDirectory.Create(build.OutputDirectory, build.StagingDirectory);

        // go replaces (never rewrites) an output it relinks, so a hardlink seed cannot change bin/ behind our back.
        foreach (var existing in StagingSeed.Select(build.OutputDirectory, plan.Project, build.Packages))
        {
            var seed = Path.Combine(staging.Path, Path.GetFileName(existing));
            if (!PosixFiles.TryLink(existing, seed))
            {
                File.Copy(existing, seed);
            }
        }

        build.Cgo?.PrepareStartFiles();
        var result = await GoBuildAsync(build, events, verbose, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw GoBuildFailure.From(build, result);
        }

        var produced = Directory.EnumerateFiles(staging.Path).Order(StringComparer.Ordinal).ToArray();
        if (produced.Length == 0)
        {
            throw new ConfigurationException(
                $"no main package to build in {plan.Project.Root}: add a package main, or name the command packages to build");
        }

        var rules = VerificationRules.Exact with { LibraryDirectories = build.Cgo?.LibraryDirectories };
        var checks = produced.Select(p => BinaryVerifier.Check(p, build.Target, plan.Toolchain.Version.Text, rules)).ToArray();
        var rejected = checks.Where(c => !c.Passed).ToArray();
        if (rejected.Length > 0)
        {
            // Which object made the linked code too new, and the way out: the board's own libraries.
            var culprit = rejected.Any(c => c.Problems.Any(p => p.StartsWith("CPU architecture", StringComparison.Ordinal))) && build.Cgo is { } cgo
                && await cgo.ArchitectureCulpritAsync(runner, cancellationToken).ConfigureAwait(false) is { } found
                ? "; " + found
                : "";
            throw new WorkFailedException(string.Join("; ", rejected.Select(c =>
                $"{Path.GetFileName(c.Path)} for {build.Target.Name} failed verification: {string.Join(", ", c.Problems)}")) + culprit);
        }

        staging.MoveFilesInto(build.OutputDirectory);
        return new TargetBuildResult(build.Target, checks.Select(c => c with { Path = Path.Combine(build.OutputDirectory, Path.GetFileName(c.Path)) }).ToArray());
    }

    /// <summary>go build, with its lines streamed when verbose and counted as progress on the board's first build.</summary>
    private async Task<ProcessResult> GoBuildAsync(TargetBuild build, IPipelineEvents events, bool verbose, CancellationToken cancellationToken)
    {
        var progress = build.ListDependencies is { } list
            ? await FirstBuildProgress.StartAsync(runner, list, build.Target, events, cancellationToken).ConfigureAwait(false)
            : null;
        try
        {
            var output = new ProcessOutput(verbose ? events.ToolOutput : null, line =>
            {
                progress?.Observe(line);
                if (verbose)
                {
                    events.ToolOutput(line);
                }
            });
            var result = await runner.RunAsync(build.GoBuild, output, cancellationToken).ConfigureAwait(false);
            return progress is null || verbose ? result : result with { StandardError = progress.WithoutPackageLines(result.StandardError) };
        }
        finally
        {
            progress?.Finish();
        }
    }
}
