using PiBuild.Core.Binaries;
using PiBuild.Core.FileSystem;
using PiBuild.Core.Processes;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Builds;

/// <summary>One target's verified binaries, now in place under its output directory.</summary>
internal sealed record TargetBuildResult(TargetProfile Target, IReadOnlyList<BinaryCheck> Binaries);

/// <summary>
/// What one build goes out labelled for: it is built for <paramref name="Builder"/> (the lowest level of the group,
/// the code every board of it runs) and its binaries are then judged for every one of <paramref name="Boards"/>.
/// </summary>
/// <param name="Rules">How the labelled boards judge it: a release's group, exactly; a package or an image entry any
/// board of its architecture installs, by "runs on every level above".</param>
internal sealed record BuildFor(TargetProfile Builder, IReadOnlyList<TargetProfile> Boards, VerificationRules? Rules = null)
{
    /// <summary>
    /// Groups of boards (each one build, <see cref="BuildSession.Groups"/>) joined by the output that serves them — a
    /// Debian architecture, an OCI platform — each output with its lowest group (its code is what every board of the
    /// output runs) and all the output's boards, in the order the outputs first appear.
    /// </summary>
    public static IReadOnlyList<(TKey Output, TGroup Lowest, IReadOnlyList<TargetProfile> Boards)> LowestPerOutput<TGroup, TKey>(
        IEnumerable<TGroup> groups, Func<TGroup, IReadOnlyList<TargetProfile>> boardsOf, Func<TargetProfile, TKey> outputOf)
        where TKey : notnull =>
        groups.GroupBy(g => outputOf(boardsOf(g)[0]))
            .Select(output => (output.Key, output.OrderBy(g => boardsOf(g)[0].Level.Rank).First(), (IReadOnlyList<TargetProfile>)output.SelectMany(boardsOf).ToArray()))
            .ToArray();
}

/// <summary>
/// Runs a <see cref="CrossBuildPlan"/>: <c>go build</c> per distinct build into a staging directory, verifies every
/// binary for every board that shares the build, and only then moves them into each <c>bin/&lt;target&gt;/</c>. A
/// failed, rejected or interrupted build leaves nothing new under the output directory.
/// </summary>
internal sealed class CrossBuild(ProcessRunner runner)
{
    /// <param name="verbose">Stream go's own lines to <see cref="IPipelineEvents.ToolOutput"/>.</param>
    /// <param name="maxParallel">How many builds run at once (each go build is one process tree with its own cache).</param>
    /// <returns>Every board's binaries, in the plan's order of boards.</returns>
    public async Task<IReadOnlyList<TargetBuildResult>> RunAsync(
        CrossBuildPlan plan,
        IPipelineEvents events,
        bool verbose,
        int maxParallel,
        CancellationToken cancellationToken)
    {
        using var slots = new SemaphoreSlim(Math.Max(1, Math.Min(maxParallel, plan.Builds.Count)));
        var results = await Task.WhenAll(plan.Builds.Select(async build =>
        {
            await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await RunBuildAsync(plan, build, events, verbose, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                slots.Release();
            }
        })).ConfigureAwait(false);
        var byBoard = results.SelectMany(r => r).ToDictionary(r => r.Target.Name, StringComparer.Ordinal);
        return plan.Targets.Select(t => byBoard[t.Name]).ToArray();
    }

    /// <summary>
    /// The one build-and-verify of every building command (cross, build, run, deploy, image, release): plan (boards
    /// whose builds are the same share one; with <paramref name="groups"/>, one build from each group's builder), show
    /// each go command under --verbose, build as many at once as cores and memory allow, verify every binary for the
    /// board it was built for and then for every board of its group, and only then move them into place.
    /// </summary>
    /// <returns>The plan, and every built board's binaries in its order (the groups' order when given).</returns>
    public static async Task<(CrossBuildPlan Plan, IReadOnlyList<TargetBuildResult> Results)> BuildAndVerifyAsync(
        BuildSession session, CrossBuildRequest request, IReadOnlyList<BuildFor>? groups, ProcessRunner runner, IPipelineEvents events, bool verbose, CancellationToken cancellationToken)
    {
        var plan = CrossBuildPlanner.Plan(session, request, groups?.Select(g => g.Builder).ToArray());
        if (verbose)
        {
            foreach (var build in plan.Builds)
            {
                events.ToolOutput(build.GoBuild.Shown(build.BoardNames));
            }
        }

        var results = await new CrossBuild(runner).RunAsync(plan, events, verbose, DefaultParallelism(), cancellationToken).ConfigureAwait(false);
        foreach (var (group, result) in (groups ?? []).Zip(results))
        {
            VerifyForEveryBoard(group.Boards, result, session.Toolchain.Version.Text, group.Rules);
        }

        return (plan, results);
    }

    /// <summary>A build was verified for its builder; it goes out labelled for all of <paramref name="boards"/>, so each is checked.</summary>
    internal static void VerifyForEveryBoard(IReadOnlyList<TargetProfile> boards, TargetBuildResult result, string toolchain, VerificationRules? rules = null)
    {
        var rejected = boards.Where(b => b.Name != result.Target.Name)
            .SelectMany(board => result.Binaries.Select(b => (Board: board, Check: BinaryVerifier.Check(b.Path, board, toolchain, rules))))
            .Where(c => !c.Check.Passed)
            .ToArray();
        if (rejected.Length > 0)
        {
            throw new WorkFailedException(string.Join("; ", rejected.Select(r =>
                $"{Path.GetFileName(r.Check.Path)} for {r.Board.Name} failed verification: {string.Join(", ", r.Check.Problems)}")));
        }
    }

    /// <summary>
    /// Builds to run at once: one per core, and one per GiB of available memory (a cold build of the standard library
    /// can take about that much).
    /// </summary>
    public static int DefaultParallelism()
    {
        var memory = Setup.HostMemory.AvailableBytes() ?? long.MaxValue;
        return (int)Math.Max(1, Math.Min(Environment.ProcessorCount, memory / (1L << 30)));
    }

    private async Task<IReadOnlyList<TargetBuildResult>> RunBuildAsync(CrossBuildPlan plan, TargetBuild build, IPipelineEvents events, bool verbose, CancellationToken cancellationToken)
    {
        foreach (var board in build.Boards)
        {
            WritableDirectory.Ensure(build.OutputDirectoryOf(board), "the output directory", "choose another with -o DIR");
        }

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

        // Every board that shares the build gets these very files: each is checked against its own profile.
        var rules = VerificationRules.Exact with { LibraryDirectories = build.Cgo?.LibraryDirectories };
        var checks = build.Boards.Select(board => (Board: board, Checks: produced.Select(p => BinaryVerifier.Check(p, board, plan.Toolchain.Version.Text, rules)).ToArray())).ToArray();
        var rejected = checks.SelectMany(b => b.Checks.Where(c => !c.Passed).Select(c => (b.Board, Check: c))).ToArray();
        if (rejected.Length > 0)
        {
            // Which object made the linked code too new, and the way out: the board's own libraries.
            var culprit = rejected.Any(r => r.Check.Problems.Any(p => p.StartsWith("CPU architecture", StringComparison.Ordinal))) && build.Cgo is { } cgo
                && await cgo.ArchitectureCulpritAsync(runner, cancellationToken).ConfigureAwait(false) is { } found
                ? "; " + found
                : "";
            throw new WorkFailedException(string.Join("; ", rejected.Select(r =>
                $"{Path.GetFileName(r.Check.Path)} for {r.Board.Name} failed verification: {string.Join(", ", r.Check.Problems)}")) + culprit);
        }

        // The other boards' copies are staged beside their own directories before anything moves into place.
        var copies = build.Boards.Skip(1).Select(board =>
        {
            var copy = StagingDirectory.Create(build.OutputDirectoryOf(board));
            foreach (var file in produced)
            {
                File.Copy(file, Path.Combine(copy.Path, Path.GetFileName(file)));
            }

            return copy;
        }).ToArray();
        try
        {
            staging.MoveFilesInto(build.OutputDirectory);
            foreach (var (copy, board) in copies.Zip(build.Boards.Skip(1)))
            {
                copy.MoveFilesInto(build.OutputDirectoryOf(board));
            }
        }
        finally
        {
            foreach (var copy in copies)
            {
                copy.Dispose();
            }
        }

        return checks.Select(b => new TargetBuildResult(b.Board, b.Checks.Select(c => c with { Path = Path.Combine(build.OutputDirectoryOf(b.Board), Path.GetFileName(c.Path)) }).ToArray())).ToArray();
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
