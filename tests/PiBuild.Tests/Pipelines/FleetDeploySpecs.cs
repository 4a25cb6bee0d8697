using PiBuild.Core;
using PiBuild.Core.Pipelines;
using PiBuild.Tests.Binaries;

namespace PiBuild.Tests.Pipelines;

/// <summary>
/// deploy run whole in seconds: a recording go (<see cref="DummyGo"/>) and "Pis" behind a recording ssh
/// (<see cref="FakePis"/>), each with its own directory from pibuild.yaml's devices:. What only the slow suite showed —
/// one build per board, waves, canary, rollback, unreachable devices, a fleet of one — is specified here.
/// </summary>
public sealed class FleetDeploySpecs : IDisposable
{
    private readonly DummyGo _go = new();
    private readonly FakePis _pis = new();
    private readonly RecordingEvents _events = new();

    private static readonly SyntheticBinary V2 = SyntheticBinary.ForGoArm("6") with { Path = "cmd/hello-v2" };

    private Workspace Workspace() => _go.Workspace(_events, variables: new Dictionary<string, string?> { ["PIBUILD_SSH"] = _pis.SshCommand });

    /// <summary>pibuild.yaml naming each host as a device, each with its own directory on its "Pi".</summary>
    private void Devices(params string[] hosts) =>
        File.WriteAllText(Path.Combine(_go.Project, "pibuild.yaml"),
            "devices:\n" + string.Concat(hosts.Select(h => $"  {h}:\n    host: pi@{h}\n    to: {_pis.Bin(h)}\n")));

    /// <summary>A device without its own <c>to:</c> (one named by address) installs to <paramref name="to"/>, in the test's own directory by default.</summary>
    private Task<RolloutOutcome> DeployAsync(string on, int? canary = null, string? check = null, string? restart = null, string? to = null) =>
        DeployPipeline.RunAsync(Workspace(), new DeployRequest([], [], on, to ?? Path.GetFullPath(Path.Combine(_go.Project, "..", "to")), false, restart, false, Canary: canary, Check: check), CancellationToken.None);

    private byte[] Installed(string host, string suffix = "") => File.ReadAllBytes(Path.Combine(_pis.Bin(host), "hello" + suffix));

    [Fact]
    public async Task A_fleet_gets_one_build_per_board_each_device_the_one_for_its_board_and_an_unreachable_device_is_reported()
    {
        _pis.Add("kitchen");
        _pis.Add("hall", pi2: true);
        Devices("kitchen", "hall", "shed");

        var outcome = await DeployAsync("@all");

        Assert.Equal([RolloutState.Updated, RolloutState.Updated, RolloutState.Unreachable], outcome.Devices.Select(d => d.State));
        Assert.Equal(["pi1", "pi2", null], outcome.Devices.Select(d => d.Target));
        Assert.Contains("Connection refused", outcome.Devices[2].Reason, StringComparison.Ordinal);
        Assert.False(outcome.Succeeded);
        Assert.Equal(["6", "7"], _go.Calls().Where(c => c.Command.StartsWith("build ", StringComparison.Ordinal)).Select(c => c.Variables["GOARM"]).Order());
        Assert.Equal(SyntheticBinary.ForGoArm("6").Bytes(), Installed("kitchen"));
        Assert.Equal(SyntheticBinary.ForGoArm("7").Bytes(), Installed("hall"));
        Assert.Contains(_events.Lines, l => l.Contains("shed: unreachable", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_canary_whose_check_fails_is_put_back_and_no_later_wave_starts()
    {
        foreach (var host in new[] { "a", "b", "c" })
        {
            _pis.Add(host);
        }

        Devices("a", "b", "c");
        Assert.True((await DeployAsync("@all")).Succeeded);
        var v1 = Installed("a");

        _go.Produces("arm", "6", V2);
        File.WriteAllText(Path.Combine(_pis.Bin("a"), "..", "home", "unhealthy"), "");
        var outcome = await DeployAsync("@all", canary: 1, check: "test ! -e \"$HOME/unhealthy\"", restart: "app.service");

        Assert.Equal([RolloutState.RolledBack, RolloutState.NotStarted, RolloutState.NotStarted], outcome.Devices.Select(d => d.State));
        Assert.Equal([1, 2, 2], outcome.Devices.Select(d => d.Wave));
        Assert.Contains("the check exited 1", outcome.Devices[0].Reason, StringComparison.Ordinal);
        Assert.Contains("put back as it was", outcome.Devices[0].Reason, StringComparison.Ordinal);
        Assert.All(new[] { "a", "b", "c" }, host => Assert.Equal(v1, Installed(host)));
        Assert.False(File.Exists(Path.Combine(_pis.Bin("a"), "hello.previous")));

        // The canary's unit was restarted on v2 and again on v1; the later wave's devices were only asked what they are.
        Assert.Equal("restart app.service\nis-active app.service\nrestart app.service\nis-active app.service\n", _pis.SystemctlLog("a"));
        Assert.Equal("", _pis.SystemctlLog("b"));
        Assert.DoesNotContain(V2.Bytes(), Directory.EnumerateFiles(Path.Combine(_pis.Bin("b"), "..", "home"), "*", SearchOption.AllDirectories).Select(File.ReadAllBytes));
    }

    [Fact]
    public async Task One_device_is_a_fleet_of_one_whose_failure_is_the_commands_own()
    {
        _pis.Add("solo");
        Devices("solo");
        var first = await DeployAsync("pi@solo", to: _pis.Bin("solo"));
        var solo = Assert.Single(first.Devices);
        Assert.Equal((RolloutState.Updated, 1), (solo.State, solo.Wave));
        Assert.DoesNotContain(_events.Lines, l => l.Contains("detecting", StringComparison.Ordinal));
        var v1 = Installed("solo");

        // Named by pibuild.yaml or by address, one device is told the same way: the same build in place is unchanged.
        Assert.Equal(RolloutState.Unchanged, Assert.Single((await DeployAsync("solo")).Devices).State);

        _go.Produces("arm", "6", V2);
        var e = await Assert.ThrowsAsync<WorkFailedException>(() => DeployAsync("solo", check: "exit 3"));
        Assert.Equal($"the check exited 3; {Path.Combine(_pis.Bin("solo"), "hello")} put back as it was", e.Message);
        Assert.Equal(v1, Installed("solo"));

        // A device that cannot be reached is the command's error, as ssh said it, not a row of a table.
        var unreachable = await Assert.ThrowsAnyAsync<PiBuildException>(() => DeployAsync("pi@nowhere"));
        Assert.Contains("nowhere", unreachable.Message, StringComparison.Ordinal);
    }

    /// <summary>Every command that works on one device takes it the same way: a pibuild.yaml name, a group of one, an address.</summary>
    [Fact]
    public async Task A_command_on_one_device_takes_a_name_or_a_group_of_one_and_refuses_several()
    {
        _pis.Add("solo");
        _pis.Add("hall", pi2: true);
        Devices("solo", "hall");
        File.AppendAllText(Path.Combine(_go.Project, "pibuild.yaml"), "groups:\n  attic: [hall]\n");
        var workspace = Workspace();

        Assert.Equal("pi1", (await TargetsPipeline.DetectAsync(workspace, "solo", CancellationToken.None)).Profile!.Name);
        Assert.Equal("pi2", (await TargetsPipeline.DetectAsync(workspace, "@attic", CancellationToken.None)).Profile!.Name);
        Assert.Equal("pi2", (await TargetsPipeline.DetectAsync(workspace, "pi@hall", CancellationToken.None)).Profile!.Name);
        Assert.False(workspace.IsFleet("@attic"));
        Assert.True(workspace.IsFleet("solo,hall"));

        var several = await Assert.ThrowsAsync<ConfigurationException>(() => TargetsPipeline.DetectAsync(workspace, "solo,@attic", CancellationToken.None));
        Assert.Equal("targets detect --on takes one device, not 2 (solo, hall); name one of them", several.Message);
    }

    public void Dispose()
    {
        _go.Dispose();
        _pis.Dispose();
    }
}
