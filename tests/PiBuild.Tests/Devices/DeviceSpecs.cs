using PiBuild.Core;
using PiBuild.Core.Addresses;
using PiBuild.Core.Devices;
using PiBuild.Core.Processes;
using PiBuild.Core.Targets;

namespace PiBuild.Tests.Devices;

public sealed class DeviceSpecs
{
    private static readonly ProfileCatalog Catalog = ProfileCatalog.FromLayers([ProfileLayer.LoadBuiltIn()]);

    [Theory]
    [InlineData("pi@raspberrypi.local", "pi", "raspberrypi.local", null, "pi@raspberrypi.local")]
    [InlineData("raspberrypi", null, "raspberrypi", null, "raspberrypi")]
    [InlineData("pi@10.0.0.7:2222", "pi", "10.0.0.7", 2222, "pi@10.0.0.7:2222")]
    [InlineData("pi@[fe80::1]:22", "pi", "fe80::1", 22, "pi@[fe80::1]:22")]
    [InlineData("[::1]", null, "::1", null, "[::1]")]
    public void A_device_address_is_user_at_host_colon_port(string text, string? user, string host, int? port, string shown)
    {
        var address = DeviceAddress.Parse(text);
        Assert.Equal(new DeviceAddress(user, host, port), address);
        Assert.Equal(shown, address.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("pi@")]
    [InlineData("@host")]
    [InlineData("-oProxyCommand=x")]
    [InlineData("pi@host:0")]
    [InlineData("pi@host:ssh")]
    [InlineData("pi@[::1")]
    [InlineData("two words")]
    public void A_malformed_address_is_a_usage_error_showing_the_form(string text)
    {
        var e = Assert.ThrowsAny<PiBuildException>(() => DeviceAddress.Parse(text));
        Assert.Equal(ExitCodes.Usage, e.ExitCode);
        Assert.Contains("--on [user@]host[:port]", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pi@host;reboot")]
    [InlineData("pi@$(reboot)")]
    [InlineData("pi@`id`")]
    [InlineData("p'i@host")]
    [InlineData("pi@host|x:22")]
    public void A_host_or_user_with_a_shells_metacharacters_is_refused_as_ssh_refuses_it(string text)
    {
        var e = Assert.ThrowsAny<PiBuildException>(() => DeviceAddress.Parse(text));
        Assert.Equal(ExitCodes.Usage, e.ExitCode);
        Assert.Contains("ssh refuses the rest", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_hint_to_try_by_hand_is_the_exact_ssh_command_with_its_port()
    {
        Assert.Equal("ssh -p 22402 root@127.0.0.1", DeviceAddress.Parse("root@127.0.0.1:22402").SshCommand);
        Assert.Equal("ssh pi@raspberrypi.local", DeviceAddress.Parse("pi@raspberrypi.local").SshCommand);
    }

    [Theory]
    [InlineData("ssh", new[] { "ssh" })]
    [InlineData("ssh -F ./ssh_config", new[] { "ssh", "-F", "./ssh_config" })]
    [InlineData("ssh -o 'ProxyJump a b'  -i \"my key\"", new[] { "ssh", "-o", "ProxyJump a b", "-i", "my key" })]
    [InlineData("ssh -o Opt\\ ion \"a\\\"b\"", new[] { "ssh", "-o", "Opt ion", "a\"b" })]
    public void PIBUILD_SSH_is_split_as_a_shell_would_without_expanding(string line, string[] words) =>
        Assert.Equal(words, ShellQuote.Split(line));

    [Fact]
    public void An_unterminated_quote_in_PIBUILD_SSH_is_a_usage_error() =>
        Assert.Equal(ExitCodes.Usage, Assert.ThrowsAny<PiBuildException>(() => ShellQuote.Split("ssh -F 'x")).ExitCode);

    [Fact]
    public void The_users_ssh_options_come_first_so_they_win_and_pibuild_never_prompts_and_shares_one_connection()
    {
        var connection = new SshConnection(DeviceAddress.Parse("pi@host:2222"), ["ssh", "-o", "BatchMode=no"], "/run/user/1000/pibuild/ssh-host-0123456789abcdef", new ProcessRunner());
        var spec = connection.Command("echo hi");
        Assert.Equal("ssh", spec.FileName);
        var args = spec.Arguments.ToArray();
        Assert.Equal(["-o", "BatchMode=no"], args[..2]);
        Assert.Contains("BatchMode=yes", args);
        Assert.Contains("ControlMaster=auto", args);
        Assert.Contains("ControlPath=/run/user/1000/pibuild/ssh-host-0123456789abcdef", args);
        Assert.Contains($"ControlPersist={SshConnection.PersistSeconds}", args);
        Assert.Equal(["-p", "2222", "pi@host", "--", "exec /bin/sh -c 'echo hi'"], args[^5..]);
    }

    [Fact]
    public async Task The_shared_connection_is_keyed_by_everything_that_authenticates()
    {
        // A small ssh that answers -G as OpenSSH does, its identity file taken from the config file it is given.
        using var dir = new TempDirectory();
        dir.Write("ssh", "#!/bin/sh\nconfig=none\nwhile [ $# -gt 0 ]; do case \"$1\" in -F) config=$2; shift ;; esac; shift; done\n" +
            "printf 'user pi\\nhostname 10.0.0.7\\nport 22\\nidentityfile %s\\nserveraliveinterval 0\\n' \"$(cat \"$config\" 2>/dev/null)\"\n");
        File.SetUnixFileMode(dir.Combine("ssh"), (UnixFileMode)0x1ED);
        dir.Write("good_config", "~/.ssh/id_good");
        dir.Write("other_config", "~/.ssh/id_other");
        var paths = new PiBuildPaths(dir.Combine("cache"), dir.Combine("config")) { RuntimeRoot = dir.Combine("run") };
        async Task<string> ControlPath(string ssh, string address)
        {
            var connection = await SshConnection.OpenAsync(DeviceAddress.Parse(address), v => v == SshConnection.CommandVariable ? ssh : null, paths, new ProcessRunner(), CancellationToken.None);
            return connection.Command("true").Arguments.Single(a => a.StartsWith("ControlPath=", StringComparison.Ordinal));
        }

        var good = await ControlPath($"{dir.Combine("ssh")} -F {dir.Combine("good_config")}", "pi@kitchen");
        Assert.Matches(@"^ControlPath=.*/run/pibuild/ssh-kitchen-[0-9a-f]{16}$", good);
        Assert.Equal(good, await ControlPath($"{dir.Combine("ssh")} -F {dir.Combine("good_config")}", "pi@kitchen"));
        Assert.NotEqual(good, await ControlPath($"{dir.Combine("ssh")} -F {dir.Combine("other_config")}", "pi@kitchen"));
        Assert.NotEqual(good, await ControlPath($"{dir.Combine("ssh")} -F {dir.Combine("good_config")}", "root@kitchen"));
        Assert.NotEqual(good, await ControlPath($"{dir.Combine("ssh")} -F {dir.Combine("good_config")}", "pi@kitchen:2222"));

        // The same command line, but its config now names another key: what ssh -G resolves is part of the key.
        dir.Write("good_config", "~/.ssh/id_replaced");
        Assert.NotEqual(good, await ControlPath($"{dir.Combine("ssh")} -F {dir.Combine("good_config")}", "pi@kitchen"));
    }

    [Theory]
    [InlineData("pi@host: Permission denied (publickey).", "could not log in to pi@host", "ssh-copy-id pi@host")]
    [InlineData("Host key verification failed.", "host key of pi@host", "ssh-keygen -R host")]
    [InlineData("ssh: connect to host host port 22: Connection refused", "cannot reach pi@host", "ssh server")]
    [InlineData("ssh: Could not resolve hostname host: Name or service not known", "cannot reach pi@host", "check the address")]
    [InlineData("kex_exchange_identification: something odd", "ssh to pi@host failed: kex_exchange_identification", "by hand")]
    [InlineData("Host key verification failed.", "host key of pi@host:2222", "ssh-keygen -R '[host]:2222', then ssh -p 2222 pi@host once", "pi@host:2222")]
    [InlineData("kex_exchange_identification: something odd", "ssh to pi@host:2222 failed", "try ssh -p 2222 pi@host by hand", "pi@host:2222")]
    public void What_ssh_says_when_it_fails_becomes_one_line_with_the_fix(string said, string message, string fix, string address = "pi@host")
    {
        var connection = new SshConnection(DeviceAddress.Parse(address), ["ssh"], "/tmp", new ProcessRunner());
        var e = connection.Failure(said + "\n");
        Assert.Equal(ExitCodes.Usage, e.ExitCode);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Contains(fix, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void When_ssh_says_nothing_the_line_says_what_pibuild_saw_and_the_exact_command_to_try()
    {
        var connection = new SshConnection(DeviceAddress.Parse("pi@127.0.0.1:22402"), ["ssh"], "/tmp", new ProcessRunner());
        var silent = connection.Failure("", sent: 49_283_072, received: 0);
        Assert.Equal("ssh to pi@127.0.0.1:22402 failed: the connection closed after 49283072 bytes sent and 0 received, and ssh printed nothing; try ssh -p 22402 pi@127.0.0.1 by hand", silent.Message);
        Assert.Contains("after 12 bytes received", connection.Failure("\n", received: 12).Message, StringComparison.Ordinal);

        // A copy cut off after ssh had sent part of it is the run's failure (exit 1), not a setup mistake.
        var cut = connection.Failure("client_loop: send disconnect: Broken pipe\n", sent: 1_048_576);
        Assert.Equal(ExitCodes.Failure, cut.ExitCode);
        Assert.Contains("closed after 1048576 bytes were sent (ssh: client_loop: send disconnect: Broken pipe)", cut.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_probes_answer_gives_the_same_facts_as_detection_on_the_device()
    {
        var facts = DeviceProbe.Parse("model=Raspberry Pi 4 Model B Rev 1.4\ncpu_part=0xd08\nsh_head=7f454c4601\nloader=armhf\nhome=/home/pi\n");
        Assert.Equal(new BoardFacts("Raspberry Pi 4 Model B Rev 1.4", "0xd08", 32), facts.Board);
        Assert.Equal("/home/pi", facts.Home);
        Assert.Equal("pi4-32", BoardDetector.Match(facts.Board, Catalog.All).Profile?.Name);

        var arm64 = DeviceProbe.Parse("model=Raspberry Pi 4 Model B Rev 1.4\nsh_head=\nloader=arm64\nhome=/home/pi\n");
        Assert.Equal("pi4", BoardDetector.Match(arm64.Board, Catalog.All).Profile?.Name);
    }

    [Theory]
    [InlineData("pi2", "pi1", "ARMv7")]
    [InlineData("pi4", "pi4-32", "32-bit userland")]
    [InlineData("pi1", "pi2", null)]
    [InlineData("pi2", "pi4", null)]
    [InlineData("pi3", "pi4", null)]
    [InlineData("pi4-32", "pi4-32", null)]
    public void A_named_board_is_refused_for_a_device_that_cannot_run_its_code(string named, string deviceBoard, string? reason)
    {
        var device = new DetectedBoard("model", null, Catalog.Get(deviceBoard).UserlandBits, Catalog.Get(deviceBoard));
        if (reason is null)
        {
            Assert.Equal(named, TargetSelection.ForDevice(Catalog, [named], device, "pi@host", "run").Name);
            return;
        }

        var e = Assert.ThrowsAny<PiBuildException>(() => TargetSelection.ForDevice(Catalog, [named], device, "pi@host", "run"));
        Assert.Equal(ExitCodes.Usage, e.ExitCode);
        Assert.Contains($"--target {named} cannot run on pi@host", e.Message, StringComparison.Ordinal);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_target_the_device_board_is_the_target_and_an_unknown_device_says_what_it_saw()
    {
        var pi1 = Catalog.Get("pi1");
        Assert.Same(pi1, TargetSelection.ForDevice(Catalog, [], new DetectedBoard("Raspberry Pi Model B Plus", null, 32, pi1), "pi@host", "run"));

        var e = Assert.ThrowsAny<PiBuildException>(() => TargetSelection.ForDevice(Catalog, [], new DetectedBoard(null, null, 64, null), "x@jetson", "run"));
        Assert.Equal(ExitCodes.Usage, e.ExitCode);
        Assert.StartsWith("the device x@jetson is not a known Raspberry Pi", e.Message, StringComparison.Ordinal);
    }
}
