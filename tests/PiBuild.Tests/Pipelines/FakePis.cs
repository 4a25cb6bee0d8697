namespace PiBuild.Tests.Pipelines;

/// <summary>
/// A fleet of "Pis" for pipeline specs, reached through a small real <c>ssh</c> (a POSIX sh script named by
/// PIBUILD_SSH, as a user names theirs): it answers <c>ssh -G</c>, and runs each remote command with /bin/sh in the
/// host's own directory — HOME there, its fake root (model, cpuinfo, a 32-bit ARM /bin/sh, the armhf loader) as
/// PIBUILD_HOST_ROOT for the device probe, a recording systemctl first on PATH — and logs every command. A host with
/// no directory refuses the connection as ssh does (255). Installs go to real directories, so what a deploy leaves is
/// read from the disk. A placed program is an ARM one (which this machine may or may not run through binfmt), so the
/// script that runs it (<c>run --on</c>) runs a stand-in for the board's CPU instead: it says which program, for which
/// GOARM, on which host, with which arguments, echoes its standard input when asked to, writes a line to stderr, and
/// exits with the code in the host's <c>home/exit</c>.
/// </summary>
internal sealed class FakePis : IDisposable
{
    private const string Ssh = """
        #!/bin/sh
        pis=$1; shift
        dest=; cmd=; prev=; ask=
        while [ $# -gt 0 ]; do
          case "$1" in
            -G) ask=G ;;
            -O) ask=O ;;
            --) dest=$prev; cmd=$2; break ;;
          esac
          prev=$1; shift
        done
        [ -n "$dest" ] || dest=$prev
        host=${dest#*@}
        case "$ask" in
          G) printf 'user pi\nhostname %s\nport 22\n' "$host"; exit 0 ;;
          O) exit 0 ;;
        esac
        d=$pis/$host
        if [ ! -d "$d" ]; then echo "ssh: connect to host $host port 22: Connection refused" >&2; exit 255; fi
        printf '%s\n' "$cmd" >> "$d/commands.log"
        printf '%s\n' "$host" >> "$pis/order.log"
        case "$cmd" in
          *'echo $$ > '*) cmd=$(printf '%s\n' "$cmd" | sed "s#'\{0,1\}\($d/home/.cache/pibuild/run/[0-9a-f]*/[^' ]*\)'\{0,1\}#/bin/sh '$pis/cpu' '$host' '\1'#") ;;
        esac
        cd "$d/home" && HOME=$d/home PIBUILD_HOST_ROOT=$d/root PATH=$d/bin:$PATH exec /bin/sh -c "$cmd"
        """;

    private const string Cpu = """
        #!/bin/sh
        host=$1; program=$2; shift 2
        echo "$(basename "$program") $(grep -ao 'GOARM=[0-9]' "$program" | head -n 1) on $host: $*"
        [ "$1" = stdin ] && cat
        echo "a warning from $host" >&2
        exit "$(cat "$HOME/exit" 2>/dev/null || echo 0)"
        """;

    private readonly TempDirectory _dir = new("pibuild-fake-pis-");

    public FakePis()
    {
        _dir.Write("cpu", Cpu.ReplaceLineEndings("\n"));
        var ssh = _dir.Write("ssh", Ssh.ReplaceLineEndings("\n"));
        File.SetUnixFileMode(ssh, (UnixFileMode)0x1ED);
        SshCommand = $"/bin/sh {ssh} {_dir.Path}";
    }

    /// <summary>PIBUILD_SSH for a workspace whose devices are these.</summary>
    public string SshCommand { get; }

    /// <summary>A Pi 1 (Model B+, ARM1176) or a Pi 2 (Cortex-A7), both on Raspberry Pi OS's 32-bit userland.</summary>
    public string Add(string host, bool pi2 = false)
    {
        var (model, part) = pi2 ? ("Raspberry Pi 2 Model B Rev 1.1", "0xc07") : ("Raspberry Pi Model B Plus Rev 1.2", "0xb76");
        _dir.Write($"{host}/root/proc/device-tree/model", model + "\0");
        _dir.Write($"{host}/root/proc/cpuinfo", $"processor\t: 0\nCPU part\t: {part}\n");
        _dir.Write($"{host}/root/lib/ld-linux-armhf.so.3", "");
        Directory.CreateDirectory(_dir.Combine(host, "root", "bin"));
        File.WriteAllBytes(_dir.Combine(host, "root", "bin", "sh"), [0x7f, (byte)'E', (byte)'L', (byte)'F', 1, 1, 1, 0]);
        Directory.CreateDirectory(_dir.Combine(host, "home"));
        StandInSystemctl.WriteInto(_dir.Combine(host, "bin"));
        return $"pi@{host}";
    }

    /// <summary>Where a deploy to <paramref name="host"/> with <c>--to</c> this directory puts its commands.</summary>
    public string Bin(string host) => _dir.Combine(host, "opt");

    /// <summary>The exit code of every program run on <paramref name="host"/> from now on.</summary>
    public void ExitsWith(string host, int code) => _dir.Write($"{host}/home/exit", $"{code}\n");

    /// <summary>What the host's systemctl was asked, a line a call.</summary>
    public string SystemctlLog(string host) => File.Exists(_dir.Combine(host, "bin", "systemctl.log")) ? File.ReadAllText(_dir.Combine(host, "bin", "systemctl.log")) : "";

    /// <summary>The hosts in the order their commands arrived, a line a command.</summary>
    public IReadOnlyList<string> Order() => File.Exists(_dir.Combine("order.log")) ? File.ReadAllLines(_dir.Combine("order.log")) : [];

    public void Dispose() => _dir.Dispose();
}
