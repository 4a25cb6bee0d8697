using PiBuild.Core;
using PiBuild.Core.Builds;
using PiBuild.Core.Devices;
using PiBuild.Core.Fetching;

namespace PiBuild.Cli.Common;

/// <summary>
/// How pipeline events are shown: steps and warnings on stderr (so stdout stays the result), toolchain lines
/// on stderr and test lines on stdout with --verbose, download progress as a bar on a terminal; steps and
/// progress are hidden by --quiet and --json.
/// </summary>
internal sealed class CliEvents(TextWriter output, TextWriter error, bool quiet, bool json, bool terminal) : IPipelineEvents, IDisposable
{
    private readonly ProgressReporter? _downloads = quiet || json ? null : new ProgressReporter(error, terminal);
    private readonly BuildProgressDisplay? _builds = quiet || json || !terminal ? null : new BuildProgressDisplay(error);
    private readonly DeviceProgressDisplay? _devices = quiet || json || !terminal ? null : new DeviceProgressDisplay(error);

    public void Step(string text)
    {
        if (!quiet && !json)
        {
            error.WriteLine($"==> {text}");
        }
    }

    public void Warning(string text) => error.WriteLine($"pibuild: warning: {text}");

    public void ToolOutput(string line) => error.WriteLine(line);

    public void TestOutput(string line) => output.WriteLine(line);

    public void Download(FetchProgress progress) => _downloads?.Report(progress);

    /// <summary>A block of redrawn lines on a terminal; in a log, one line when a board's first build starts.</summary>
    public void Building(BuildProgress progress)
    {
        if (_builds is not null)
        {
            _builds.Report(progress);
        }
        else if (progress is { Done: 0, Finished: false })
        {
            Step($"{progress.Target}: {progress.Description}");
        }
    }

    /// <summary>A fleet's devices: a live table on a terminal, a line per move in a log.</summary>
    public void Device(DeviceProgress progress)
    {
        if (_devices is not null)
        {
            _devices.Report(progress);
        }
        else
        {
            Step($"{progress.Device}: {progress.Stage}{(progress.Detail is null ? "" : $" ({progress.Detail})")}");
        }
    }

    /// <summary>Clears a progress bar or a fleet's live table before the result is printed.</summary>
    public void FinishProgress()
    {
        _downloads?.Finish();
        _devices?.Clear();
    }

    public void Dispose() => _downloads?.Dispose();
}
