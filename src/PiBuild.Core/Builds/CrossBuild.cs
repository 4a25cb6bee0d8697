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
    /// <param name="maxParallel">How many targets build at once (each go build is one process tree with its own cache).</param>
    public async Task<IReadOnlyList<TargetBuildResult>> RunAsync(
        CrossBuildPlan plan,
        ProcessOutput? toolOutput,
        CancellationToken cancellationToken,
        int maxParallel = int.MaxValue)
    {
        using var slots = new SemaphoreSlim(Math.Max(1, Math.Min(maxParallel, plan.Builds.Count)));
        var results = await Task.WhenAll(plan.Builds.Select(async build =>
        {
            await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await RunTargetAsync(plan, build, toolOutput, cancellationToken).ConfigureAwait(false);
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

    private async Task<TargetBuildResult> RunTargetAsync(CrossBuildPlan plan, TargetBuild build, ProcessOutput? toolOutput, CancellationToken cancellationToken)
    {
        WritableDirectory.Ensure(build.OutputDirectory, "the output directory", "choose another with -o DIR");
        using var staging = StagingDirectory.Create(build.OutputDirectory, build.StagingDirectory);

        // go replaces (never rewrites) an output it relinks, so a hardlink seed cannot change bin/ behind our back.
        foreach (var existing in StagingSeed.Select(build.OutputDirectory, plan.Project, build.Packages))
        {
            var seed = Path.Combine(staging.Path, Path.GetFileName(existing));
            if (!HardLink.TryCreate(existing, seed))
            {
                File.Copy(existing, seed);
            }
        }

        var result = await runner.RunAsync(build.GoBuild, toolOutput, cancellationToken).ConfigureAwait(false);
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

        var checks = produced.Select(p => BinaryVerifier.Check(p, build.Target, plan.Toolchain.Version.Text)).ToArray();
        var rejected = checks.Where(c => !c.Passed).ToArray();
        if (rejected.Length > 0)
        {
            throw new WorkFailedException(string.Join("; ", rejected.Select(c =>
                $"{Path.GetFileName(c.Path)} for {build.Target.Name} failed verification: {string.Join(", ", c.Problems)}")));
        }

        staging.MoveFilesInto(build.OutputDirectory);
        return new TargetBuildResult(build.Target, checks.Select(c => c with { Path = Path.Combine(build.OutputDirectory, Path.GetFileName(c.Path)) }).ToArray());
    }
}
