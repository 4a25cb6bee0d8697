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
public sealed class CrossBuild(ProcessRunner runner)
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
        CreateDirectory(build.OutputDirectory);
        CreateDirectory(build.StagingDirectory);
        try
        {
            // go replaces (never rewrites) an output it relinks, so a hardlink seed cannot change bin/ behind our back.
            foreach (var existing in StagingSeed.Select(build.OutputDirectory, plan.Project, build.Packages))
            {
                var seed = Path.Combine(build.StagingDirectory, Path.GetFileName(existing));
                if (!HardLink.TryCreate(existing, seed))
                {
                    File.Copy(existing, seed);
                }
            }

            var result = await runner.RunAsync(build.GoBuild, toolOutput, cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (!result.Succeeded)
            {
                throw GoBuildFailure.From(build, result);
            }

            var produced = Directory.EnumerateFiles(build.StagingDirectory).Order(StringComparer.Ordinal).ToArray();
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

            return new TargetBuildResult(build.Target, checks.Select(c => MoveIntoPlace(c, build.OutputDirectory)).ToArray());
        }
        finally
        {
            TryDelete(build.StagingDirectory);
        }
    }

    private static BinaryCheck MoveIntoPlace(BinaryCheck check, string outputDirectory)
    {
        var destination = Path.Combine(outputDirectory, Path.GetFileName(check.Path));

        // A rename within one directory tree: the binary appears whole or not at all.
        File.Move(check.Path, destination, overwrite: true);
        return check with { Path = destination };
    }

    private static void CreateDirectory(string path)
    {
        try
        {
            Directory.CreateDirectory(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"cannot write the output directory {path} ({e.Message}); choose another with -o DIR", e);
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Staging is named per run: a leftover cannot be mistaken for output, and the next run ignores it.
        }
    }
}
