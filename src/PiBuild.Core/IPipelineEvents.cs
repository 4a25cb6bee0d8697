using PiBuild.Core.Builds;
using PiBuild.Core.Devices;
using PiBuild.Core.Fetching;

namespace PiBuild.Core;

/// <summary>
/// What a pipeline reports while it runs. Core never writes to a console; the CLI decides how each event is
/// shown (a line on stderr, a redrawn bar on a terminal, nothing under --quiet or --json).
/// </summary>
public interface IPipelineEvents
{
    /// <summary>A step of a long job ("fetching the source go1.19.8.src.tar.gz").</summary>
    void Step(string text);

    /// <summary>Something the user should know that does not stop the work.</summary>
    void Warning(string text);

    /// <summary>With --verbose: the exact command pibuild runs, and every line the Go toolchain prints.</summary>
    void ToolOutput(string line);

    /// <summary>With --verbose: a line a test printed (go test -v), as it arrives.</summary>
    void TestOutput(string line);

    void Download(FetchProgress progress);

    /// <summary>How far a board's first build is (the standard library compiling for it).</summary>
    void Building(BuildProgress progress);

    /// <summary>Where one device of a fleet is (detecting, copying, checking, done, rolled back …); a step line unless shown otherwise.</summary>
    void Device(DeviceProgress progress) => Step($"{progress.Device}: {progress.Stage}{(progress.Detail is null ? "" : $" ({progress.Detail})")}");

    /// <summary>No events, for callers that want only the result.</summary>
    public static IPipelineEvents None { get; } = new Silent();

    private sealed class Silent : IPipelineEvents
    {
        public void Step(string text)
        {
        }

        public void Warning(string text)
        {
        }

        public void ToolOutput(string line)
        {
        }

        public void TestOutput(string line)
        {
        }

        public void Download(FetchProgress progress)
        {
        }

        public void Building(BuildProgress progress)
        {
        }
    }
}
