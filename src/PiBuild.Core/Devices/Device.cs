using System.Security.Cryptography;
using PiBuild.Core.Addresses;
using PiBuild.Core.Archives;
using PiBuild.Core.Digests;
using PiBuild.Core.Processes;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Devices;

/// <summary>
/// A Raspberry Pi reached over ssh, asked what it is. Files pibuild sends are named by their SHA-256 under the login
/// user's <c>~/.cache/pibuild</c>, so a second run copies nothing; programs run there in their own process group and
/// are stopped with it when pibuild is interrupted (no orphan left on the Pi).
/// </summary>
internal sealed class Device
{
    private Device(SshConnection connection, DeviceFacts facts, DetectedBoard board)
    {
        Connection = connection;
        Facts = facts;
        Board = board;
    }

    public SshConnection Connection { get; }

    public DeviceFacts Facts { get; }

    /// <summary>The board the device says it is; its profile is null when it is no board pibuild knows.</summary>
    public DetectedBoard Board { get; }

    public DeviceAddress Address => Connection.Address;

    /// <summary>Where programs are kept on the device, per content.</summary>
    public string RunDirectory => $"{Facts.Home}/.cache/pibuild/run";

    public static async Task<Device> ConnectAsync(Workspace workspace, DeviceAddress address, CancellationToken cancellationToken)
    {
        var connection = await SshConnection.OpenAsync(address, workspace.GetVariable, workspace.Paths, workspace.Runner, cancellationToken).ConfigureAwait(false);
        var facts = await DeviceProbe.AskAsync(connection, cancellationToken).ConfigureAwait(false);
        return new Device(connection, facts, BoardDetector.Match(facts.Board, workspace.Catalog().All));
    }

    /// <summary>A device asked before (by the pibuild that started this one): its home is known, its board is not needed.</summary>
    public static async Task<Device> AtAsync(Workspace workspace, DeviceAddress address, string home, CancellationToken cancellationToken) =>
        new(await SshConnection.OpenAsync(address, workspace.GetVariable, workspace.Paths, workspace.Runner, cancellationToken).ConfigureAwait(false),
            new DeviceFacts(new BoardFacts(null, null, null), home), new DetectedBoard(null, null, null, null));

    /// <summary>Closes the shared ssh connections to the device's host (<c>pibuild device forget</c>); returns how many there were.</summary>
    public static Task<int> ForgetAsync(Workspace workspace, DeviceAddress address, CancellationToken cancellationToken) =>
        SshConnection.ForgetAsync(address, workspace.GetVariable, workspace.Paths, workspace.Runner, cancellationToken);

    /// <summary>
    /// Puts a program on the device at <c>~/.cache/pibuild/run/SHA256/NAME</c> unless it is there already. The copy is
    /// written under a temporary name and renamed into place only after the device itself measured its size and
    /// SHA-256 (sha256sum: coreutils on Raspberry Pi OS, BusyBox elsewhere): a copy cut off by a dropped connection or
    /// an interrupt ends as a removed temporary file, never as a cache entry. An entry whose size is not the program's
    /// (left by an older pibuild) is replaced.
    /// </summary>
    public async Task<DeviceFile> PlaceProgramAsync(string localPath, CancellationToken cancellationToken)
    {
        var sha = await Sha256Hex.OfFileAsync(localPath, cancellationToken).ConfigureAwait(false);
        var size = new FileInfo(localPath).Length;
        var name = Path.GetFileName(localPath);
        var remote = $"{RunDirectory}/{sha}/{name}";
        var check = await Connection.RunAsync($"f={Quote(remote)}; [ -x \"$f\" ] && s=$(wc -c < \"$f\") && [ $s -eq {size} ] && echo present", cancellationToken).ConfigureAwait(false);
        if (check.StandardOutput.Trim() == "present")
        {
            return new DeviceFile(remote, sha, Copied: false);
        }

        var script = $"d={Quote($"{RunDirectory}/{sha}")}; mkdir -p \"$d\" || exit 1; t=\"$d/.pibuild-$$\"; " +
            CheckedCopy(size, sha, "rm -f \"$t\"") + $"chmod 755 \"$t\" && mv -f \"$t\" {Quote(remote)}";
        await using (var input = File.OpenRead(localPath))
        {
            var sent = await Connection.RunAsync(script, cancellationToken, input).ConfigureAwait(false);
            ThrowIfFailed(sent, $"copy {name} to {RunDirectory}");
        }

        return new DeviceFile(remote, sha, Copied: true);
    }

    /// <summary>
    /// Puts a directory's files on the device at <c>~/.cache/pibuild/dirs/SHA256/</c> (the hash of their reproducible
    /// tarball), unless they are there already: a test package's directory, with its testdata, as go test expects it.
    /// The tarball is checked on the device (size and SHA-256) before it is unpacked, and the directory renamed into
    /// place only once unpacked whole.
    /// </summary>
    public async Task<DeviceFile> PlaceDirectoryAsync(IEnumerable<TarItem> items, CancellationToken cancellationToken)
    {
        using var tarball = new MemoryStream();
        ReproducibleArchive.WriteTarGz(tarball, items, sourceDateEpoch: 0, owner: "root");
        var sha = Convert.ToHexStringLower(SHA256.HashData(tarball.GetBuffer().AsSpan(0, (int)tarball.Length)));
        var remote = $"{Facts.Home}/.cache/pibuild/dirs/{sha}";
        var script = $"d={Quote(remote)}; [ -d \"$d\" ] && echo present && exit 0; u=\"$d.pibuild-$$\"; t=\"$u.tar.gz\"; mkdir -p \"$u\" || exit 1; " +
            CheckedCopy(tarball.Length, sha, "rm -rf \"$u\" \"$t\"") + "tar -xzf \"$t\" -C \"$u\" && { mv \"$u\" \"$d\" || [ -d \"$d\" ]; }";
        tarball.Position = 0;
        var sent = await Connection.RunAsync(script, cancellationToken, tarball).ConfigureAwait(false);
        ThrowIfFailed(sent, $"unpack files into {remote}");
        return new DeviceFile(remote, sha, Copied: sent.StandardOutput.Trim() != "present");
    }

    /// <summary>
    /// The shell steps that write standard input to <c>$t</c> and stop (exit 1, one line on standard error) unless the
    /// device counts <paramref name="size"/> bytes whose SHA-256 is <paramref name="sha"/>. <paramref name="cleanup"/>
    /// runs whenever the script ends, a hang-up or interrupt included: what it removes is never left half-made (after
    /// the final rename, the temporary names it removes are gone already).
    /// </summary>
    private static string CheckedCopy(long size, string sha, string cleanup) =>
        $"trap {Quote(cleanup)} EXIT; trap 'exit 129' HUP INT TERM PIPE; cat > \"$t\" || exit 1; s=$(wc -c < \"$t\"); " +
        $"if [ $s -ne {size} ]; then echo \"pibuild: the copy arrived cut off ($s of {size} bytes); nothing was kept\" >&2; exit 1; fi; " +
        "if ! command -v sha256sum >/dev/null 2>&1; then echo 'pibuild: the device has no sha256sum to check the copy with; install coreutils (or busybox) there' >&2; exit 1; fi; " +
        "h=$(sha256sum < \"$t\"); h=${h%% *}; " +
        $"if [ \"$h\" != {sha} ]; then echo \"pibuild: the copy arrived with SHA-256 $h, not {sha}; nothing was kept\" >&2; exit 1; fi; ";

    /// <summary>
    /// Runs a command line on the device with the given streams and returns its exit code (a signal's death as 128+N,
    /// as a shell reports it). On cancellation the program's process group gets SIGINT, then SIGKILL after three
    /// seconds, through a command of its own: closing the ssh session alone would leave it running.
    /// </summary>
    public async Task<int> RunAttachedAsync(string commandLine, ProcessStreams streams, CancellationToken cancellationToken)
    {
        var pidFile = $"{RunDirectory}/{Guid.NewGuid():N}.pid";
        var script = $"mkdir -p {Quote(RunDirectory)} && echo $$ > {Quote(pidFile)} || exit 125; {commandLine}\ns=$?; rm -f {Quote(pidFile)}; exit $s";
        Task? stopping = null;
        try
        {
            await using (cancellationToken.Register(() => stopping = StopAsync(pidFile)))
            {
                return await Connection.RunAttachedAsync(script, streams, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (stopping is not null)
            {
                await stopping.ConfigureAwait(false);
            }
        }
    }

    private async Task StopAsync(string pidFile)
    {
        var script = $"f={Quote(pidFile)}; [ -r \"$f\" ] || exit 0; p=$(cat \"$f\"); kill -INT -\"$p\" 2>/dev/null; i=0; " +
            "while kill -0 -\"$p\" 2>/dev/null && [ $i -lt 30 ]; do sleep 0.1; i=$((i+1)); done; kill -KILL -\"$p\" 2>/dev/null; rm -f \"$f\"";
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await Connection.RunAsync(script, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is PiBuildException or OperationCanceledException)
        {
            // The device went away: nothing is left to stop there that pibuild can reach.
        }
    }

    /// <summary>A remote step that failed: no space is the user's to fix, anything else says what the device said.</summary>
    internal void ThrowIfFailed(ProcessResult result, string what)
    {
        if (result.Succeeded)
        {
            return;
        }

        if (result.StandardError.Contains("No space left on device", StringComparison.Ordinal))
        {
            throw new WorkFailedException($"the device {Address} has no space left to {what}; free some there (df -h, then remove what is not needed) and run again");
        }

        var said = result.FirstLine;
        throw new WorkFailedException($"could not {what} on {Address}: {(said.StartsWith("pibuild: ", StringComparison.Ordinal) ? said["pibuild: ".Length..] : said)}");
    }

    internal static string Quote(string value) => ShellQuote.Always(value);
}

/// <summary>A file or directory pibuild put on a device (or found there already).</summary>
internal sealed record DeviceFile(string Path, string Sha256, bool Copied);
