using System.Text;
using PiBuild.Core;
using PiBuild.Core.Pipelines;
using PiBuild.Core.Processes;

namespace PiBuild.Tests.Pipelines;

/// <summary>
/// <c>run --on</c> whole in seconds, on <see cref="FakePis"/> (their CPU a stand-in that says what it was given) and a
/// recording go: a fleet's output marked line by line with each device's name, one build per board, the worst exit
/// code; a fleet of one unmarked, with its standard input.
/// </summary>
public sealed class FleetRunSpecs : IDisposable
{
    private readonly DummyGo _go = new();
    private readonly FakePis _pis = new();
    private readonly RecordingEvents _events = new();

    private Workspace Workspace() => _go.Workspace(_events, variables: new Dictionary<string, string?> { ["PIBUILD_SSH"] = _pis.SshCommand });

    private void Devices(params string[] hosts) =>
        File.WriteAllText(Path.Combine(_go.Project, "pibuild.yaml"), "devices:\n" + string.Concat(hosts.Select(h => $"  {h}:\n    host: pi@{h}\n")));

    private static RunRequest Request(string on, Stream input, Stream output, Stream error, params string[] arguments) =>
        new([], ".", arguments, new ProcessStreams(input, output, error), On: on);

    private static string[] Lines(MemoryStream stream) => Encoding.UTF8.GetString(stream.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task A_fleet_runs_each_boards_build_every_line_marked_with_its_device_and_the_worst_exit_code_wins()
    {
        _pis.Add("kitchen");
        _pis.Add("hall", pi2: true);
        _pis.ExitsWith("hall", 3);
        Devices("kitchen", "hall", "shed");
        using var output = new MemoryStream();
        using var error = new MemoryStream();

        var code = await Workspace().RunOnFleetAsync(Request("@all", new MemoryStream(Encoding.UTF8.GetBytes("not for a fleet\n")), output, error, "a b", "c"), CancellationToken.None);

        Assert.Equal(255, code);
        Assert.Equal(["hall    | hello GOARM=7 on hall: a b c", "kitchen | hello GOARM=6 on kitchen: a b c"], Lines(output));
        var errors = Lines(error);
        Assert.Equal(["hall    | a warning from hall", "kitchen | a warning from kitchen"], errors[..2]);
        Assert.StartsWith("shed    | pibuild: ", errors[2], StringComparison.Ordinal);
        Assert.Contains("Connection refused", errors[2], StringComparison.Ordinal);
        Assert.Equal(3, errors.Length);
        Assert.Equal(["6", "7"], _go.Calls().Where(c => c.Command.StartsWith("build ", StringComparison.Ordinal)).Select(c => c.Variables["GOARM"]).Order());
    }

    [Fact]
    public async Task Without_an_unreachable_device_the_exit_code_is_the_highest_a_program_returned()
    {
        _pis.Add("kitchen");
        _pis.Add("hall", pi2: true);
        _pis.ExitsWith("kitchen", 3);
        _pis.ExitsWith("hall", 1);
        Devices("kitchen", "hall");

        var code = await Workspace().RunOnFleetAsync(Request("@all", Stream.Null, Stream.Null, Stream.Null), CancellationToken.None);

        Assert.Equal(3, code);
    }

    [Fact]
    public async Task One_device_is_a_fleet_of_one_its_output_unmarked_and_its_standard_input_its_own()
    {
        var host = _pis.Add("kitchen");
        _pis.ExitsWith("kitchen", 4);
        Devices("kitchen", "hall");
        using var output = new MemoryStream();
        using var error = new MemoryStream();

        var outcome = await Workspace().RunAsync(Request(host, new MemoryStream(Encoding.UTF8.GetBytes("typed in\n")), output, error, "stdin"), CancellationToken.None);

        Assert.Equal(4, outcome.ExitCode);
        Assert.Equal("pi1", outcome.Target.Name);
        Assert.Equal("hello GOARM=6 on kitchen: stdin\ntyped in\n", Encoding.UTF8.GetString(output.ToArray()));
        Assert.Equal("a warning from kitchen\n", Encoding.UTF8.GetString(error.ToArray()));
        Assert.False(Workspace().IsFleet(host));
        Assert.True(Workspace().IsFleet("@all"));
    }

    public void Dispose()
    {
        _go.Dispose();
        _pis.Dispose();
    }
}
