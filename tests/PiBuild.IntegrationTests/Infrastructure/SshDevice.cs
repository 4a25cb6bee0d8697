using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PiBuild.IntegrationTests.Infrastructure;

/// <summary>
/// A Raspberry Pi 1 in a box: Debian's real OpenSSH server on a free 127.0.0.1 port, started from a temp config with a
/// generated host key and a generated user key, and a client config (<see cref="SshCommand"/>) that trusts exactly that
/// host key. The "device" runs ARM programs through binfmt_misc (scripts/test.sh registers qemu-user with the F flag)
/// with QEMU_CPU=arm1176, and its /proc facts come from a fake root set through SetEnv PIBUILD_HOST_ROOT: the only
/// stand-in. Its HOME is a temp directory, so what pibuild leaves on the device can be looked at.
/// </summary>
public sealed class SshDevice : IDisposable
{
    private readonly TempDirectory _dir = new("pibuild-device-");
    private readonly Process _sshd;

    /// <summary>The board a device says it is: its device-tree model, its /proc/cpuinfo, and the CPU qemu emulates for its programs.</summary>
    public sealed record Board(string Model, string CpuInfo, string QemuCpu)
    {
        public static Board Pi1 { get; } = new("Raspberry Pi Model B Plus Rev 1.2", "processor\t: 0\nmodel name\t: ARMv6-compatible processor rev 7 (v6l)\nCPU part\t: 0xb76\n", "arm1176");

        public static Board Pi2 { get; } = new("Raspberry Pi 2 Model B Rev 1.1", "processor\t: 0\nmodel name\t: ARMv7 Processor rev 5 (v7l)\nCPU part\t: 0xc07\n", "cortex-a7");
    }

    private readonly Board _board;

    public SshDevice()
        : this(Board.Pi1)
    {
    }

    /// <param name="privateDirectory">
    /// A directory (created on this machine) that this device sees as a tmpfs of its own: sshd runs in its own mount
    /// namespace, so each of several devices has its own files there, as separate Pis would.
    /// </param>
    internal SshDevice(Board board, string? privateDirectory = null)
    {
        _board = board;
        PrivateDirectory = privateDirectory;
        Assert.True(File.Exists("/proc/sys/fs/binfmt_misc/qemu-arm"), "binfmt_misc has no qemu-arm entry: run the tests with scripts/test.sh (as root it registers qemu-user for ARM)");
        Directory.CreateDirectory("/run/sshd");
        Port = FreePort();
        Keygen("host_key");
        Keygen("user_key");
        Keygen("stranger_key");
        File.Copy(Combine("user_key.pub"), Combine("authorized_keys"));
        Directory.CreateDirectory(Home);
        MakeRoot();
        MakeSystemctl();

        File.WriteAllText(Combine("sshd_config"), $"""
            Port {Port}
            ListenAddress 127.0.0.1
            HostKey {Combine("host_key")}
            AuthorizedKeysFile {Combine("authorized_keys")}
            StrictModes no
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            UsePAM no
            PermitRootLogin prohibit-password
            PidFile {Combine("sshd.pid")}
            MaxStartups 100
            MaxSessions 100
            SetEnv HOME={Home} QEMU_CPU={board.QemuCpu} PIBUILD_HOST_ROOT={Root} PATH={Combine("device-bin")}:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin

            """);
        var hostKey = File.ReadAllText(Combine("host_key.pub")).Trim();
        File.WriteAllText(Combine("known_hosts"), $"[127.0.0.1]:{Port} {hostKey}\n");
        WriteClientConfig("ssh_config", "user_key", "known_hosts");
        WriteClientConfig("stranger_config", "stranger_key", "known_hosts");
        var otherHostKey = Keygen("other_host_key");
        File.WriteAllText(Combine("wrong_known_hosts"), $"[127.0.0.1]:{Port} {otherHostKey}\n");
        WriteClientConfig("wrong_host_config", "user_key", "wrong_known_hosts");

        string[] sshd = ["/usr/sbin/sshd", "-D", "-f", Combine("sshd_config"), "-E", Combine("sshd.log")];
        if (privateDirectory is null)
        {
            _sshd = Process.Start(new ProcessStartInfo(sshd[0], sshd[1..]) { UseShellExecute = false })!;
        }
        else
        {
            // unshare execs sh in the new namespace, and sh execs sshd: the process started is sshd, whose /proc/PID/root shows its files.
            Directory.CreateDirectory(privateDirectory);
            _sshd = Process.Start(new ProcessStartInfo("unshare", ["--mount", "--propagation", "private", "sh", "-c", $"mount -t tmpfs tmpfs {privateDirectory} && exec {string.Join(' ', sshd)}"]) { UseShellExecute = false })!;
        }

        WaitUntilListening();
    }

    public int Port { get; }

    /// <summary>The directory only this device sees as its own (null: it shares this machine's files).</summary>
    public string? PrivateDirectory { get; }

    /// <summary>A file in the device's own view of the file system (its private directory is a tmpfs only it sees).</summary>
    public string DevicePath(string path) => PrivateDirectory is null ? path : $"/proc/{_sshd.Id}/root{path}";

    /// <summary>Authorizes another client key and returns this device's known_hosts line, for a fleet's one ssh config.</summary>
    public string Admit(string publicKey)
    {
        File.AppendAllText(Combine("authorized_keys"), publicKey.Trim() + "\n");
        return File.ReadAllText(Combine("known_hosts"));
    }

    /// <summary>The login user (the tests run as root, which scripts/test.sh needs anyway).</summary>
    public string Address => $"{System.Environment.UserName}@127.0.0.1:{Port}";

    /// <summary>The device user's home: pibuild keeps its files under .cache/pibuild there.</summary>
    public string Home => Combine("home");

    /// <summary>The fake root whose /proc says "Raspberry Pi Model B Plus" and whose /bin/sh is 32-bit ARM.</summary>
    public string Root => Combine("root");

    public string RunDirectory => Path.Combine(Home, ".cache", "pibuild", "run");

    /// <summary>PIBUILD_SSH for a client that trusts this device and holds its key; others for the failures.</summary>
    public string SshCommand => $"ssh -F {Combine("ssh_config")}";

    public string StrangerSshCommand => $"ssh -F {Combine("stranger_config")}";

    public string WrongHostKeySshCommand => $"ssh -F {Combine("wrong_host_config")}";

    /// <summary>The test environment plus this device's ssh command and a runtime directory of this fixture's own.</summary>
    public Dictionary<string, string?> Environment(Dictionary<string, string?> baseEnvironment, string? ssh = null)
    {
        var environment = new Dictionary<string, string?>(baseEnvironment)
        {
            ["PIBUILD_SSH"] = ssh ?? SshCommand,
            ["PIBUILD_ON"] = null,
            ["XDG_RUNTIME_DIR"] = Combine("run"),
        };
        Directory.CreateDirectory(Combine("run"));
        return environment;
    }

    public string Combine(params string[] parts) => _dir.Combine(parts);

    /// <summary>Processes of this machine running a program from the device's pibuild cache (qemu shows its path).</summary>
    public int[] ProgramsRunning() => Directory.EnumerateDirectories("/proc")
        .Select(Path.GetFileName)
        .Where(name => int.TryParse(name, out _))
        .Where(pid => Processes.CommandLine(int.Parse(pid!, System.Globalization.CultureInfo.InvariantCulture)).Contains(RunDirectory, StringComparison.Ordinal))
        .Select(pid => int.Parse(pid!, System.Globalization.CultureInfo.InvariantCulture))
        .ToArray();

    /// <summary>
    /// From now until the hold is released, a copy to the device stops after its first MiB has arrived (a <c>cat</c>
    /// early on the device's PATH writes that much, says so in a file, and waits on a FIFO): a test can cut the
    /// connection or interrupt pibuild while a copy is certainly in the middle, with no race.
    /// </summary>
    public CopyHold HoldCopies() => new(Combine("device-bin"), Combine("hold"));

    /// <summary>Kills the sshd processes serving connections (not the listener, nor what they started): a dropped link.</summary>
    public void DropConnections()
    {
        var parents = Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(name => int.TryParse(name, out _))
            .Select(pid => (Pid: int.Parse(pid!, System.Globalization.CultureInfo.InvariantCulture), Stat: ReadStat(pid!)))
            .Where(p => p.Stat is not null)
            .ToDictionary(p => p.Pid, p => p.Stat!.Value);
        bool Under(int pid) => pid == _sshd.Id || parents.TryGetValue(pid, out var stat) && stat.Parent != pid && Under(stat.Parent);
        foreach (var (pid, stat) in parents.Where(p => p.Key != _sshd.Id && p.Value.Name.StartsWith("sshd", StringComparison.Ordinal) && Under(p.Value.Parent)))
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Gone already, with its monitor.
            }
        }

        static (string Name, int Parent)? ReadStat(string pid)
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                var close = stat.LastIndexOf(')');
                var name = stat[(stat.IndexOf('(') + 1)..close];
                return (name, int.Parse(stat[(close + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture));
            }
            catch (IOException)
            {
                return null;
            }
        }
    }

    public void Dispose()
    {
        try
        {
            _sshd.Kill(entireProcessTree: true);
            _sshd.WaitForExit();
        }
        catch (InvalidOperationException)
        {
        }

        _sshd.Dispose();
        _dir.Dispose();
    }

    private void MakeRoot()
    {
        Directory.CreateDirectory(Path.Combine(Root, "proc", "device-tree"));
        Directory.CreateDirectory(Path.Combine(Root, "bin"));
        File.WriteAllText(Path.Combine(Root, "proc", "device-tree", "model"), _board.Model + "\0");
        File.WriteAllText(Path.Combine(Root, "proc", "cpuinfo"), _board.CpuInfo);

        // The ELF header of a 32-bit little-endian ARM executable, as Raspberry Pi OS's dash starts.
        File.WriteAllBytes(Path.Combine(Root, "bin", "sh"), [0x7f, (byte)'E', (byte)'L', (byte)'F', 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 40, 0]);
    }

    /// <summary>What the fake systemctl was asked, one line a call.</summary>
    public string SystemctlLog => File.Exists(Combine("device-bin", "systemctl.log")) ? File.ReadAllText(Combine("device-bin", "systemctl.log")) : "";

    /// <summary>
    /// systemd cannot run in a test container, so the device's PATH starts with a systemctl that records its calls and
    /// says a unit is active unless the unit's name contains "broken".
    /// </summary>
    private void MakeSystemctl()
    {
        StandInSystemctl.WriteInto(Combine("device-bin"));
    }

    private void WriteClientConfig(string name, string key, string knownHosts) =>
        File.WriteAllText(Combine(name), $"""
            Host *
              IdentityFile {Combine(key)}
              IdentitiesOnly yes
              IdentityAgent none
              UserKnownHostsFile {Combine(knownHosts)}
              GlobalKnownHostsFile /dev/null
              StrictHostKeyChecking yes

            """);

    private string Keygen(string name)
    {
        using var keygen = Process.Start(new ProcessStartInfo("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", Combine(name)]) { UseShellExecute = false })!;
        keygen.WaitForExit();
        Assert.Equal(0, keygen.ExitCode);
        return File.ReadAllText(Combine(name + ".pub")).Trim();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void WaitUntilListening()
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(_sshd.HasExited, $"sshd exited: {(File.Exists(Combine("sshd.log")) ? File.ReadAllText(Combine("sshd.log")) : "")}");
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(100);
            }
        }

        Assert.Fail("sshd did not listen within 20 s");
    }
}

[CollectionDefinition(Name)]
public sealed class DeviceCollection : ICollectionFixture<SshDevice>, ICollectionFixture<SharedGoCache>
{
    public const string Name = "A Pi over SSH";
}

/// <summary>See <see cref="SshDevice.HoldCopies"/>: a <c>cat</c> that stops copying after 1 MiB until released.</summary>
public sealed class CopyHold : IDisposable
{
    private readonly string _cat;
    private readonly string _hold;
    private bool _released;

    internal CopyHold(string bin, string hold)
    {
        _cat = Path.Combine(bin, "cat");
        _hold = hold;
        File.Delete(Reached);
        File.Delete(Fifo);
        using (var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [Fifo]) { UseShellExecute = false })!)
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        File.WriteAllText(_hold, "");
        File.WriteAllText(_cat, $"""
            #!/bin/sh
            # Only a copy (cat with no file, its input a pipe) is held, and only while the hold file is there.
            if [ $# -eq 0 ] && [ -e '{_hold}' ]; then
              head -c 1048576
              : > '{Reached}'
              read _ < '{Fifo}'
            fi
            exec /bin/cat "$@"

            """);
        File.SetUnixFileMode(_cat, (UnixFileMode)0x1ED);
    }

    private string Reached => _hold + ".reached";

    private string Fifo => _hold + ".fifo";

    /// <summary>Waits until a copy has sent its first MiB and is held there.</summary>
    public async Task ReachedAsync()
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (!File.Exists(Reached))
        {
            Assert.True(DateTime.UtcNow < deadline, "no copy to the device reached the hold within 5 minutes");
            await Task.Delay(50);
        }
    }

    /// <summary>Lets the held copy go on (it reads what is left of its input) and holds no more.</summary>
    public void Release()
    {
        if (_released)
        {
            return;
        }

        _released = true;
        File.Delete(_hold);
        File.Delete(_cat);
        if (File.Exists(Reached))
        {
            File.WriteAllText(Fifo, "go\n");
        }

        File.Delete(Fifo);
        File.Delete(Reached);
    }

    public void Dispose() => Release();
}
