using PiBuild.Core.Processes;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Builds;

/// <summary>How far a board's first build is: packages compiled so far of those it needs.</summary>
/// <param name="Finished">The build is over (done, failed or stopped): the progress can be cleared.</param>
public sealed record BuildProgress(string Target, string Description, int Done, int Total, bool Finished);

/// <summary>
/// A board's first build compiles the standard library for it (14 s here for pi1, minutes on a slow laptop or on
/// the Pi itself) and go says nothing until the end. This counts the packages <c>go build -v</c> reports against
/// those <c>go list -deps</c> says it needs, so the user sees how far it is.
/// </summary>
internal sealed class FirstBuildProgress
{
    private readonly HashSet<string> _packages;
    private readonly TargetProfile _target;
    private readonly IPipelineEvents _events;
    private readonly string _description;
    private readonly Lock _gate = new();
    private int _done;

    private FirstBuildProgress(HashSet<string> packages, TargetProfile target, IPipelineEvents events)
    {
        _packages = packages;
        _target = target;
        _events = events;
        _description = $"compiling the standard library for {target.GoOs}/{target.GoArch} (first build for this board)";
    }

    /// <summary>Lists what the build needs and reports the start; a listing that fails (a package that does not exist) just gives no total.</summary>
    public static async Task<FirstBuildProgress> StartAsync(ProcessRunner runner, ProcessSpec listDependencies, TargetProfile target, IPipelineEvents events, CancellationToken cancellationToken)
    {
        var listed = await runner.RunAsync(listDependencies, cancellationToken: cancellationToken).ConfigureAwait(false);
        var packages = listed.Succeeded
            ? listed.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(p => p != "unsafe").ToHashSet(StringComparer.Ordinal)
            : [];
        var progress = new FirstBuildProgress(packages, target, events);
        progress.Report(finished: false);
        return progress;
    }

    /// <summary>True when the line is a package go just compiled (go build -v's own progress), not a message.</summary>
    public bool Observe(string line)
    {
        if (!_packages.Contains(line))
        {
            return false;
        }

        lock (_gate)
        {
            _done++;
            Report(finished: false);
        }

        return true;
    }

    public void Finish() => Report(finished: true);

    /// <summary>go's output without the package lines that only fed the progress.</summary>
    public string WithoutPackageLines(string output) =>
        string.Join('\n', output.Split('\n').Where(l => !_packages.Contains(l.Trim())));

    private void Report(bool finished) => _events.Building(new BuildProgress(_target.Name, _description, Math.Min(_done, _packages.Count), _packages.Count, finished));
}
