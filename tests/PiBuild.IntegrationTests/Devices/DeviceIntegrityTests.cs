using System.Security.Cryptography;
using System.Text.Json;
using PiBuild.IntegrationTests.Infrastructure;

namespace PiBuild.IntegrationTests.Devices;

/// <summary>
/// What is on the device is what was verified: a copy cut off (by a dropped connection or by Ctrl-C) is never kept in
/// the device's cache, a redeploy of the same build changes nothing, and a deploy that fails part-way leaves the
/// device exactly as it was. The copies are held on the device after their first MiB (<see cref="SshDevice.HoldCopies"/>),
/// so the cut comes in the middle every time.
/// </summary>
[Collection(DeviceCollection.Name)]
public sealed class DeviceIntegrityTests(SshDevice device, SharedGoCache cache) : IDisposable
{
    private readonly TempDirectory _dir = new();

    private Dictionary<string, string?> Environment() => device.Environment(cache.Environment());

    private Task<RunResult> PiBuild(params string[] args) => Run.PiBuildAsync(args, _dir.Path, Environment());

    /// <summary>A module whose commands print their name and <paramref name="version"/> (unique per test, so every copy is new).</summary>
    private string Module(string version, params string[] commands)
    {
        var root = _dir.Combine("m");
        _dir.Write("m/go.mod", "module example.com/m\n\ngo 1.19\n");
        foreach (var command in commands)
        {
            _dir.Write($"m/cmd/{command}/main.go", $"package main\n\nimport \"fmt\"\n\nfunc main() {{ fmt.Println(\"{command} {version}\") }}\n");
        }

        return root;
    }

    private static string Sha256Of(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    private static async Task<string> RunOnPi1(string binary) =>
        (await Run.ProgramAsync(binary, [], null, new Dictionary<string, string?> { ["QEMU_CPU"] = "arm1176" })).AssertSucceeded().StandardOutput.Trim();

    /// <summary>Every program in the device's cache hashes to the name of its directory, and no copy is half-way there.</summary>
    private void AssertTheDeviceCacheHoldsOnlyWholeCopies()
    {
        if (!Directory.Exists(device.RunDirectory))
        {
            return;
        }

        foreach (var entry in Directory.EnumerateDirectories(device.RunDirectory))
        {
            foreach (var file in Directory.EnumerateFiles(entry))
            {
                Assert.False(Path.GetFileName(file).StartsWith(".pibuild-", StringComparison.Ordinal), $"a temporary copy was left: {file}");
                Assert.Equal(Path.GetFileName(entry), Sha256Of(file));
            }
        }
    }

    /// <summary>Waits until the held copy, released, has finished on the device (its temporary file gone, one way or the other).</summary>
    private async Task CopiesFinishedAsync()
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (Directory.Exists(device.RunDirectory) && Directory.EnumerateFiles(device.RunDirectory, ".pibuild-*", SearchOption.AllDirectories).Any())
        {
            Assert.True(DateTime.UtcNow < deadline, "the released copy did not finish on the device within 2 minutes");
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Deploys a new build of one command, cuts the copy with <paramref name="cut"/> while the device holds it after its
    /// first MiB, lets the device's side finish, and checks that nothing cut off was kept and that the next deploy
    /// installs the whole program (a copy whose every byte had been sent may arrive whole, and be kept: it was checked).
    /// Returns the cut deploy's result, the next deploy's JSON after its output.
    /// </summary>
    private async Task<RunResult> CutACopyAsync(Func<System.Diagnostics.Process, Task> cut)
    {
        var version = Guid.NewGuid().ToString("N");
        var module = Module(version, "app");
        var to = _dir.Combine("installed");
        RunResult result;
        using (var hold = device.HoldCopies())
        {
            var deploy = Run.StartPiBuild(["deploy", "--on", device.Address, "-C", module, "--to", to, "./cmd/app"], _dir.Path, Environment());
            await hold.ReachedAsync();
            await cut(deploy);
            result = await Run.WaitAsync(deploy);

            // The device's cat goes on, reads the end of its input and exits 0: the copy ends there, cut off.
            hold.Release();
            await CopiesFinishedAsync();
        }

        Assert.False(File.Exists(Path.Combine(to, "app")));
        AssertTheDeviceCacheHoldsOnlyWholeCopies();
        var again = await PiBuild("deploy", "--on", device.Address, "-C", module, "--to", to, "--json", "./cmd/app");
        using var json = JsonDocument.Parse(again.AssertSucceeded().StandardOutput);
        Assert.Equal(json.RootElement.GetProperty("devices")[0].GetProperty("binaries")[0].GetProperty("sha256").GetString(), Sha256Of(Path.Combine(to, "app")));
        Assert.Equal($"app {version}", await RunOnPi1(Path.Combine(to, "app")));
        AssertTheDeviceCacheHoldsOnlyWholeCopies();
        return result with { StandardOutput = result.StandardOutput + again.StandardOutput };
    }

    [Fact]
    public async Task A_copy_cut_off_by_a_dropped_connection_is_never_kept_and_the_next_deploy_installs_the_whole_program()
    {
        var cut = await CutACopyAsync(_ =>
        {
            device.DropConnections();
            return Task.CompletedTask;
        });
        Assert.True(cut.ExitCode is 1 or 2, cut.ToString());
        Assert.Single(cut.StandardError.Trim().Split('\n'));

        // Its connection gone, the device had only part of the program: the next deploy sent it again.
        Assert.Contains("\"copied\": true", cut.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ctrl_C_in_the_middle_of_a_copy_keeps_nothing_on_the_device_and_the_rerun_installs_the_whole_program()
    {
        var interrupted = await CutACopyAsync(deploy => Processes.InterruptAsync(deploy.Id));
        interrupted.AssertExit(130);
    }

    [Fact]
    public async Task A_cache_entry_of_the_wrong_size_left_by_an_older_pibuild_is_replaced_not_installed()
    {
        var version = Guid.NewGuid().ToString("N");
        var module = Module(version, "app");
        var to = _dir.Combine("installed");
        var first = await PiBuild("deploy", "--on", device.Address, "-C", module, "--to", to, "--json", "./cmd/app");
        using var json = JsonDocument.Parse(first.AssertSucceeded().StandardOutput);
        var sha = json.RootElement.GetProperty("devices")[0].GetProperty("binaries")[0].GetProperty("sha256").GetString()!;

        // What pibuild 0.x left after a dropped copy: the first MiB, executable, under the whole program's name.
        var entry = Path.Combine(device.RunDirectory, sha, "app");
        var whole = await File.ReadAllBytesAsync(entry);
        await File.WriteAllBytesAsync(entry, whole[..(1 << 20)]);
        File.Delete(Path.Combine(to, "app"));

        var again = await PiBuild("deploy", "--on", device.Address, "-C", module, "--to", to, "--json", "./cmd/app");
        using var second = JsonDocument.Parse(again.AssertSucceeded().StandardOutput);
        Assert.True(second.RootElement.GetProperty("devices")[0].GetProperty("binaries")[0].GetProperty("copied").GetBoolean());
        Assert.Equal(sha, Sha256Of(Path.Combine(to, "app")));
        AssertTheDeviceCacheHoldsOnlyWholeCopies();
    }

    [Fact]
    public async Task Deploying_the_build_already_in_place_is_unchanged_and_keeps_the_real_previous_version()
    {
        var to = _dir.Combine("installed");
        var installed = Path.Combine(to, "app");
        var module = Module("v1", "app");
        (await PiBuild("deploy", "--on", device.Address, "-C", module, "--to", to, "./cmd/app")).AssertSucceeded();
        var v1 = await File.ReadAllBytesAsync(installed);
        Module("v2", "app");
        (await PiBuild("deploy", "--on", device.Address, "-C", module, "--to", to, "./cmd/app")).AssertSucceeded();
        var inode = await Inode(installed);

        var same = await PiBuild("deploy", "--on", device.Address, "-C", module, "--to", to, "--json", "./cmd/app");
        using (var json = JsonDocument.Parse(same.AssertSucceeded().StandardOutput))
        {
            var binary = json.RootElement.GetProperty("devices")[0].GetProperty("binaries")[0];
            Assert.True(binary.GetProperty("unchanged").GetBoolean());
            Assert.False(binary.GetProperty("copied").GetBoolean());
        }

        var table = await PiBuild("deploy", "--on", device.Address, "-C", module, "--to", to, "./cmd/app");
        Assert.Contains("unchanged", table.AssertSucceeded().StandardOutput, StringComparison.Ordinal);
        Assert.Equal(inode, await Inode(installed));
        Assert.Equal(v1, await File.ReadAllBytesAsync(installed + ".previous"));
        Assert.Equal("app v2", await RunOnPi1(installed));
        Assert.Equal(["app", "app.previous"], Directory.GetFiles(to).Select(Path.GetFileName).Order());

        // A restart is made only when asked for, and then said; through the rollout path (a health check) too.
        var restarts = device.SystemctlLog.Split('\n').Count(l => l.StartsWith("restart unchanged.service", StringComparison.Ordinal));
        var restarted = await PiBuild("deploy", "--on", device.Address, "-C", module, "--to", to, "--restart", "unchanged.service", "./cmd/app");
        Assert.Contains("unchanged.service: active (restarted as asked; the build in place is unchanged)", restarted.AssertSucceeded().StandardOutput, StringComparison.Ordinal);
        Assert.Equal(restarts + 1, device.SystemctlLog.Split('\n').Count(l => l.StartsWith("restart unchanged.service", StringComparison.Ordinal)));
        var checkedAgain = await PiBuild("deploy", "--on", device.Address, "-C", module, "--to", to, "--check", "true", "--json", "./cmd/app");
        using (var json = JsonDocument.Parse(checkedAgain.AssertSucceeded().StandardOutput))
        {
            Assert.Equal("unchanged", json.RootElement.GetProperty("devices")[0].GetProperty("state").GetString());
        }

        Assert.Equal(inode, await Inode(installed));
        Assert.Equal(v1, await File.ReadAllBytesAsync(installed + ".previous"));
    }

    [Fact]
    public async Task A_deploy_whose_second_command_cannot_be_installed_leaves_the_device_exactly_as_it_was()
    {
        var to = _dir.Combine("installed");
        var module = Module("v1", "a", "b");
        (await PiBuild("deploy", "--on", device.Address, "-C", module, "--to", to, "./cmd/a", "./cmd/b")).AssertSucceeded();
        var v1 = await File.ReadAllBytesAsync(Path.Combine(to, "a"));
        Module("v2", "a", "b");
        (await PiBuild("deploy", "--on", device.Address, "-C", module, "--to", to, "./cmd/a", "./cmd/b")).AssertSucceeded();
        var v2 = await File.ReadAllBytesAsync(Path.Combine(to, "a"));
        var inode = await Inode(Path.Combine(to, "a"));

        // b's destination turns into a directory: a goes in first, then b cannot be kept as b.previous.
        File.Delete(Path.Combine(to, "b"));
        Directory.CreateDirectory(Path.Combine(to, "b"));
        var before = Directory.GetFileSystemEntries(to).Select(e => Path.GetFileName(e)).Order().ToArray();

        Module("v3", "a", "b");
        var plain = await PiBuild("deploy", "--on", device.Address, "-C", module, "--to", to, "./cmd/a", "./cmd/b");
        plain.AssertExit(1);
        Assert.Contains("put back as it was", plain.StandardError, StringComparison.Ordinal);
        await AssertAsItWas();

        // With a health check and --json: one device is a fleet of one, whose failure is the command's (one line, exit 1).
        var rollout = await PiBuild("deploy", "--on", device.Address, "-C", module, "--to", to, "--check", "true", "--json", "./cmd/a", "./cmd/b");
        rollout.AssertExit(1);
        Assert.Contains("put back as it was", rollout.StandardError, StringComparison.Ordinal);
        Assert.Equal("", rollout.StandardOutput);
        await AssertAsItWas();

        async Task AssertAsItWas()
        {
            Assert.Equal(v2, File.ReadAllBytes(Path.Combine(to, "a")));
            Assert.Equal(inode, await Inode(Path.Combine(to, "a")));
            Assert.Equal(v1, File.ReadAllBytes(Path.Combine(to, "a.previous")));
            Assert.Equal(before, Directory.GetFileSystemEntries(to).Select(e => Path.GetFileName(e)).Order());
        }
    }

    private static async Task<string> Inode(string path) =>
        (await Run.ProgramAsync("stat", ["-c", "%i", path])).AssertSucceeded().StandardOutput.Trim();

    public void Dispose() => _dir.Dispose();
}
