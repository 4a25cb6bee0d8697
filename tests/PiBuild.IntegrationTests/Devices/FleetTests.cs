using System.Text.Json;
using PiBuild.IntegrationTests.Infrastructure;

namespace PiBuild.IntegrationTests.Devices;

/// <summary>
/// Three Pis in a box: sshd servers on loopback, each in its own mount namespace with its own tmpfs at the install
/// directory, two saying they are a Pi 1 (their programs run on an emulated ARM1176) and one a Pi 2 (Cortex-A7).
/// </summary>
public sealed class Fleet : IDisposable
{
    public const string InstallDirectory = "/opt/pibuild-fleet";

    private readonly TempDirectory _dir = new("pibuild-fleet-");

    public Fleet()
    {
        Devices = [new SshDevice(SshDevice.Board.Pi1, InstallDirectory), new SshDevice(SshDevice.Board.Pi2, InstallDirectory), new SshDevice(SshDevice.Board.Pi1, InstallDirectory)];

        // One client key and one known_hosts for the whole fleet, as a user's ~/.ssh has.
        var key = File.ReadAllText(Devices[0].Combine("user_key.pub"));
        _dir.Write("known_hosts", string.Concat(Devices.Select(d => d.Admit(key))));
        _dir.Write("ssh_config", $"Host *\n  IdentityFile {Devices[0].Combine("user_key")}\n  IdentitiesOnly yes\n  IdentityAgent none\n  UserKnownHostsFile {_dir.Combine("known_hosts")}\n  GlobalKnownHostsFile /dev/null\n  StrictHostKeyChecking yes\n");
        Directory.CreateDirectory(_dir.Combine("run"));
    }

    public SshDevice[] Devices { get; }

    public Dictionary<string, string?> Environment(Dictionary<string, string?> baseEnvironment) => new(baseEnvironment)
    {
        ["PIBUILD_SSH"] = $"ssh -F {_dir.Combine("ssh_config")}",
        ["PIBUILD_ON"] = null,
        ["XDG_RUNTIME_DIR"] = _dir.Combine("run"),
    };

    /// <summary>The installed program as device <paramref name="index"/> sees it; null when it has none.</summary>
    public string? Installed(int index, string name = "app") =>
        File.Exists(Devices[index].DevicePath($"{InstallDirectory}/{name}")) ? Devices[index].DevicePath($"{InstallDirectory}/{name}") : null;

    public void Dispose()
    {
        foreach (var device in Devices)
        {
            device.Dispose();
        }

        _dir.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class FleetCollection : ICollectionFixture<Fleet>, ICollectionFixture<SharedGoCache>
{
    public const string Name = "Three Pis over SSH";
}

[Collection(FleetCollection.Name)]
public sealed class FleetTests(Fleet fleet, SharedGoCache cache) : IDisposable
{
    private readonly TempDirectory _dir = new();

    /// <summary>A module whose one command prints its version; pibuild.yaml names the three devices and a group.</summary>
    private string Project(string version)
    {
        var root = _dir.Combine("app");
        _dir.Write("app/go.mod", "module example.com/app\n\ngo 1.19\n");
        _dir.Write("app/main.go", $"package main\n\nimport \"fmt\"\n\nfunc main() {{ fmt.Println(\"{version}\") }}\n");
        _dir.Write("app/pibuild.yaml",
            $"devices:\n  kitchen: {fleet.Devices[0].Address}\n  hall:\n    host: {fleet.Devices[1].Address}\n  shed: {fleet.Devices[2].Address}\n" +
            "groups:\n  house: [kitchen, hall]\n");
        return root;
    }

    private Task<RunResult> Deploy(string project, params string[] args) =>
        Run.PiBuildAsync(["deploy", "-C", project, "--to", Fleet.InstallDirectory, .. args], _dir.Path, fleet.Environment(cache.Environment()));

    private static async Task<string> RunOn(string binary, string cpu) => (await Qemu.RunAsync(cpu, binary)).StandardOutput.Trim();

    private static JsonElement[] Devices(RunResult result)
    {
        using var json = JsonDocument.Parse(result.StandardOutput);
        return json.RootElement.GetProperty("devices").EnumerateArray().Select(d => d.Clone()).ToArray();
    }

    [Fact]
    public async Task A_mixed_fleet_gets_each_board_its_binary_then_a_failing_canary_is_rolled_back_and_the_rest_untouched()
    {
        // Everyone on v1: GOARM=6 for the Pi 1s, GOARM=7 for the Pi 2, one build per board.
        var project = Project("healthy v1");
        var first = await Deploy(project, "--on", "@all", "--json", "-v");
        first.AssertSucceeded();
        Assert.Equal(["updated", "updated", "updated"], Devices(first).Select(d => d.GetProperty("state").GetString()));
        Assert.Equal(["pi1", "pi2", "pi1"], Devices(first).Select(d => d.GetProperty("target").GetString()));
        Assert.True(2 == first.StandardError.Split('\n').Count(l => l.StartsWith("# pi", StringComparison.Ordinal) && l.Contains("go build", StringComparison.Ordinal)), first.StandardError);
        Assert.Contains("GOARM=6", (await Run.PiBuildAsync(["verify", "--target", "pi1", fleet.Installed(0)!], _dir.Path, cache.Environment())).StandardOutput, StringComparison.Ordinal);
        Assert.Contains("GOARM=7", (await Run.PiBuildAsync(["verify", "--target", "pi2", fleet.Installed(1)!], _dir.Path, cache.Environment())).StandardOutput, StringComparison.Ordinal);
        Assert.Equal("healthy v1", await RunOn(fleet.Installed(1)!, "cortex-a7"));

        // v2 fails its health check on the canary: rolled back to v1 there, and no other device is touched.
        Project("sick v2");
        var check = $"{Fleet.InstallDirectory}/app | grep -q healthy";
        var bad = await Deploy(project, "--on", "@all", "--canary", "1", "--check", check, "--json");
        bad.AssertExit(1);
        var devices = Devices(bad);
        Assert.Equal(["rolled-back", "not-started", "not-started"], devices.Select(d => d.GetProperty("state").GetString()));
        Assert.Contains("the check exited 1", devices[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal([1, 2, 2], devices.Select(d => d.GetProperty("wave").GetInt32()));
        foreach (var (index, cpu) in new[] { (0, "arm1176"), (1, "cortex-a7"), (2, "arm1176") })
        {
            Assert.Equal("healthy v1", await RunOn(fleet.Installed(index)!, cpu));
        }

        // Fixed: every device on v3, each keeping v1 as app.previous.
        Project("healthy v3");
        var fixedUp = await Deploy(project, "--on", "kitchen,@house,shed", "--canary", "1", "--check", check);
        fixedUp.AssertSucceeded();
        Assert.Equal(3, fixedUp.StandardOutput.Split('\n').Count(l => l.Contains(" updated ", StringComparison.Ordinal)));
        foreach (var (index, cpu) in new[] { (0, "arm1176"), (1, "cortex-a7"), (2, "arm1176") })
        {
            Assert.Equal("healthy v3", await RunOn(fleet.Installed(index)!, cpu));
            Assert.Equal("healthy v1", await RunOn(fleet.Installed(index, "app.previous")!, cpu));
        }
    }

    [Fact]
    public async Task An_unreachable_device_is_reported_while_the_others_are_updated_and_a_dry_run_changes_nothing()
    {
        var project = Project("healthy dry");
        var before = Enumerable.Range(0, 3).Select(i => fleet.Installed(i) is { } f ? File.ReadAllBytes(f) : null).ToArray();
        var dry = await Deploy(project, "--on", "@all", "--dry-run", "--canary", "1");
        dry.AssertSucceeded();
        Assert.Equal(3, dry.StandardOutput.Split('\n').Count(l => l.Contains("would-update", StringComparison.Ordinal)));
        Assert.Contains("wave 2", dry.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(before, Enumerable.Range(0, 3).Select(i => fleet.Installed(i) is { } f ? File.ReadAllBytes(f) : null));

        // In a log, one line per device as it moves; on a terminal (script(1) gives one) a live table, redrawn in place.
        var plain = await Deploy(project, "--on", "@all", "--dry-run");
        Assert.Contains("==> kitchen: detecting\n", plain.StandardError, StringComparison.Ordinal);
        Assert.Contains("==> hall: building (pi2)\n", plain.StandardError, StringComparison.Ordinal);
        var typescript = _dir.Combine("typescript");
        var command = $"'{Run.Dotnet}' '{Run.PiBuildDll}' deploy -C '{project}' --to {Fleet.InstallDirectory} --on @all --dry-run";
        (await Run.ProgramAsync("script", ["-qfec", command, typescript], _dir.Path, fleet.Environment(cache.Environment()))).AssertSucceeded();
        var screen = await File.ReadAllTextAsync(typescript);
        Assert.Matches(@"\r\u001b\[Khall     building  pi2", screen);
        Assert.Matches(@"\r\u001b\[Kshed     would update in wave 1  pi1", screen);
        Assert.Matches(@"hall +\S+ +pi2 +wave 1 +would-update", screen);

        var result = await Deploy(project, "--on", $"kitchen,{Environment.UserName}@127.0.0.1:9,hall", "--json");
        result.AssertExit(1);
        var devices = Devices(result);
        Assert.Equal(["updated", "unreachable", "updated"], devices.Select(d => d.GetProperty("state").GetString()));
        Assert.Contains("cannot reach", devices[1].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("healthy dry", await RunOn(fleet.Installed(1)!, "cortex-a7"));
    }

    [Fact]
    public async Task Detect_and_run_answer_for_every_device_and_run_exits_with_the_worst_code()
    {
        var project = Project("healthy run");
        var nobody = $"{Environment.UserName}@127.0.0.1:9";
        var env = fleet.Environment(cache.Environment());
        var detect = await Run.PiBuildAsync(["targets", "detect", "-C", project, "--on", $"@all,{nobody}", "--json"], _dir.Path, env);
        detect.AssertExit(1);
        var devices = Devices(detect);
        Assert.Equal(["kitchen", "hall", "shed", nobody], devices.Select(d => d.GetProperty("name").GetString()));
        Assert.Equal(["pi1", "pi2", "pi1", null], devices.Select(d => d.GetProperty("target").GetString()));
        Assert.Equal([true, true, true, false], devices.Select(d => d.GetProperty("reachable").GetBoolean()));

        var run = await Run.PiBuildAsync(["run", "-C", project, "--on", $"@house,{nobody}", "."], _dir.Path, env);
        run.AssertExit(255);
        Assert.Equal([$"{"hall".PadRight(nobody.Length)} | healthy run", $"{"kitchen".PadRight(nobody.Length)} | healthy run"], run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
        Assert.Contains($"{nobody} | pibuild: cannot reach", run.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fleet_run_that_fails_on_one_device_after_connecting_gives_that_device_255_and_the_others_finish()
    {
        var project = Project("healthy run");
        var shed = fleet.Devices[2];
        var runDirectory = shed.RunDirectory;
        var aside = runDirectory + ".aside";
        if (Directory.Exists(runDirectory))
        {
            Directory.Move(runDirectory, aside);
        }

        try
        {
            // shed's cache cannot be made (a file where its directory goes): its copy fails after it answered.
            Directory.CreateDirectory(Path.GetDirectoryName(runDirectory)!);
            await File.WriteAllTextAsync(runDirectory, "not a directory");
            var run = await Run.PiBuildAsync(["run", "-C", project, "--on", "@all", "."], _dir.Path, fleet.Environment(cache.Environment()));
            run.AssertExit(255);
            Assert.Equal(["hall    | healthy run", "kitchen | healthy run"], run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
            Assert.Contains("shed    | pibuild: could not copy app to", run.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(runDirectory);
            if (Directory.Exists(aside))
            {
                Directory.Move(aside, runDirectory);
            }
        }
    }

    [Theory]
    [InlineData("kitchn", "unknown device 'kitchn' (did you mean 'kitchen'?)")]
    [InlineData("@hous", "unknown group 'hous' in --on (did you mean 'house'?)")]
    [InlineData("@all --canary 3", "--canary 3 must leave devices for a later wave: the fleet has 3 device(s)")]
    public async Task A_bad_fleet_is_one_line_before_anything_connects(string on, string message)
    {
        var project = Project("healthy");
        var words = on.Split(' ');
        var result = await Deploy(project, ["--on", words[0], .. words[1..]]);
        result.AssertExit(2);
        Assert.Contains(message, Assert.Single(result.StandardError.TrimEnd('\n').Split('\n')), StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
