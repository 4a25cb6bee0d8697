using System.Security.Cryptography;
using System.Text;
using PiBuild.Core.Addresses;
using PiBuild.Core.Processes;

namespace PiBuild.Core.Devices;

/// <summary>
/// Commands on one device through the system OpenSSH client, so the user's ~/.ssh/config, agent, keys, known_hosts
/// and jump hosts apply. Never a prompt (BatchMode), and one connection shared by every command of a run and of the
/// runs that follow within seconds (ControlMaster in pibuild's runtime directory): a test run's many binaries pay one
/// handshake. The shared connection is keyed by everything that authenticates (see <see cref="ControlPathAsync"/>),
/// so another key, user or ssh command never rides on a connection made by the first. <c>PIBUILD_SSH</c> names the ssh
/// command with its options, as GIT_SSH_COMMAND does for git; its options come first, so they win over pibuild's (ssh
/// keeps the first value of each).
/// </summary>
/// <param name="controlPath">The shared connection's socket.</param>
internal sealed class SshConnection(DeviceAddress address, IReadOnlyList<string> ssh, string controlPath, ProcessRunner runner)
{
    public const string CommandVariable = "PIBUILD_SSH";

    /// <summary>How long the shared connection outlives its last command.</summary>
    public const int PersistSeconds = 15;

    private const int HashLength = 16;

    /// <summary>ssh's own exit code for "could not connect or log in"; anything else is the remote command's.</summary>
    private const int SshFailed = 255;

    /// <summary>What <c>ssh -G</c> prints that decides who logs in where, and how.</summary>
    private static readonly string[] AuthenticatingSettings =
    [
        "user", "hostname", "port", "identityfile", "certificatefile", "identityagent", "identitiesonly", "proxyjump", "proxycommand",
        "pkcs11provider", "securitykeyprovider", "hostkeyalias", "userknownhostsfile", "pubkeyauthentication",
    ];

    public DeviceAddress Address { get; } = address;

    public static async Task<SshConnection> OpenAsync(DeviceAddress address, Func<string, string?> getVariable, PiBuildPaths paths, ProcessRunner runner, CancellationToken cancellationToken)
    {
        var words = Words(getVariable);
        return new SshConnection(address, words, await ControlPathAsync(words, address, paths, runner, cancellationToken).ConfigureAwait(false), runner);
    }

    /// <summary>
    /// Closes the shared connections to <paramref name="address"/>'s host, whoever they logged in as; returns how many
    /// there were. A master that does not answer has its socket removed, so nothing uses it again.
    /// </summary>
    public static async Task<int> ForgetAsync(DeviceAddress address, Func<string, string?> getVariable, PiBuildPaths paths, ProcessRunner runner, CancellationToken cancellationToken)
    {
        var words = Words(getVariable);
        var prefix = SocketPrefix(address.Host);
        var sockets = Directory.EnumerateFileSystemEntries(paths.RuntimeDirectory(), prefix + "*")
            .Where(s => Path.GetFileName(s)[prefix.Length..] is { Length: HashLength } rest && rest.All(char.IsAsciiHexDigitLower))
            .ToArray();
        foreach (var socket in sockets)
        {
            await runner.RunAsync(ProcessSpec.Plain(words[0], [.. words.Skip(1), "-o", $"ControlPath={socket}", "-O", "exit", address.Destination], "/"), cancellationToken: cancellationToken).ConfigureAwait(false);
            File.Delete(socket);
        }

        return sockets.Length;
    }

    private static IReadOnlyList<string> Words(Func<string, string?> getVariable)
    {
        var words = getVariable(CommandVariable) is { Length: > 0 } line ? ShellQuote.Split(line) : ["ssh"];
        return words.Count > 0
            ? words
            : throw new ConfigurationException($"{CommandVariable} is blank; set it to an ssh command, e.g. {CommandVariable}=\"ssh -F ./ssh_config\"");
    }

    /// <summary>
    /// The socket of the shared connection, named by the host and a hash of everything that authenticates: the ssh
    /// command and its options, the address, and what <c>ssh -G</c> resolves for it from the user's config (user,
    /// host name, port, identity and certificate files, agent, jump host or proxy). ssh's own <c>%C</c> hashes only
    /// user, host and port, so a second identity would ride on the first one's login.
    /// </summary>
    private static async Task<string> ControlPathAsync(IReadOnlyList<string> words, DeviceAddress address, PiBuildPaths paths, ProcessRunner runner, CancellationToken cancellationToken)
    {
        var resolved = "";
        try
        {
            var result = await runner.RunAsync(ProcessSpec.Plain(words[0], [.. words.Skip(1), "-G", .. PortArguments(address), address.Destination], "/"), cancellationToken: cancellationToken).ConfigureAwait(false);
            resolved = result.Succeeded
                ? string.Join('\n', result.StandardOutput.Split('\n').Where(l => AuthenticatingSettings.Contains(l.Split(' ', 2)[0], StringComparer.Ordinal)).Order(StringComparer.Ordinal))
                : "";
        }
        catch (ProgramNotStartedException)
        {
            // The command that follows says that ssh is missing.
        }

        var identity = string.Join('\0', [.. words, address.ToString(), resolved]);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..HashLength];
        return Path.Combine(paths.RuntimeDirectory(), SocketPrefix(address.Host) + hash);
    }

    /// <summary>"ssh-HOST-": a host's sockets, found again by <see cref="ForgetAsync"/>; kept short (a socket path has at most 107 bytes).</summary>
    private static string SocketPrefix(string host)
    {
        var safe = new string(host.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '_').ToArray());
        return $"ssh-{(safe.Length > 32 ? safe[..32] : safe)}-";
    }

    private static string[] PortArguments(DeviceAddress address) =>
        address.Port is { } p ? ["-p", p.ToString(System.Globalization.CultureInfo.InvariantCulture)] : [];

    /// <summary>
    /// The ssh command that runs <paramref name="script"/> on the device with /bin/sh, whatever the login shell is
    /// (exec keeps the session leader's pid, which is the process group a stop signals).
    /// </summary>
    public ProcessSpec Command(string script)
    {
        string[] options =
        [
            "-o", "BatchMode=yes",
            "-o", "ConnectTimeout=15",
            "-o", "ServerAliveInterval=15",
            "-o", "ControlMaster=auto",
            "-o", $"ControlPath={controlPath}",
            "-o", $"ControlPersist={PersistSeconds}",
        ];
        return ProcessSpec.Plain(ssh[0], [.. ssh.Skip(1), .. options, .. PortArguments(Address), Address.Destination, "--", "exec /bin/sh -c " + ShellQuote.Always(script)], "/");
    }

    /// <summary>Runs a script, its output captured; a connection failure is a one-line usage error naming the fix.</summary>
    public async Task<ProcessResult> RunAsync(string script, CancellationToken cancellationToken, Stream? input = null)
    {
        var spec = Command(script);
        var result = input is null
            ? await runner.RunAsync(spec, cancellationToken: cancellationToken).ConfigureAwait(false)
            : await runner.RunAsync(spec, input, cancellationToken).ConfigureAwait(false);
        // A seekable input's position is how much of it went to ssh: what a dropped connection's message can tell.
        return result.ExitCode == SshFailed ? throw Failure(result.StandardError, input is { CanSeek: true } ? input.Position : null, result.StandardOutput.Length) : result;
    }

    /// <summary>
    /// Runs a script that writes its result to standard output (a tar stream), straight into <paramref name="output"/>;
    /// standard error is captured, and a connection failure is the same usage error as <see cref="RunAsync"/>'s.
    /// </summary>
    public async Task<ProcessResult> ReceiveAsync(string script, Stream input, Stream output, CancellationToken cancellationToken)
    {
        using var errors = new MemoryStream();
        var exitCode = await runner.RunAttachedAsync(Command(script), new ProcessStreams(input, output, errors), cancellationToken).ConfigureAwait(false);
        var said = System.Text.Encoding.UTF8.GetString(errors.ToArray());
        return exitCode == SshFailed ? throw Failure(said) : new ProcessResult(exitCode, "", said);
    }

    /// <summary>Runs a script with its standard streams attached; returns the remote exit code.</summary>
    public Task<int> RunAttachedAsync(string script, ProcessStreams streams, CancellationToken cancellationToken) =>
        runner.RunAttachedAsync(Command(script), streams, cancellationToken);

    /// <summary>
    /// What went wrong in ssh's words, and what to do about it; when ssh said nothing, what pibuild saw (how many bytes
    /// went each way before the connection closed).
    /// </summary>
    internal PiBuildException Failure(string standardError, long? sent = null, long received = 0)
    {
        var said = standardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("Warning: Permanently added", StringComparison.Ordinal) && !l.StartsWith('@'))
            .ToArray();
        var first = said.FirstOrDefault() ?? "no message";
        bool Says(string text) => said.Any(l => l.Contains(text, StringComparison.OrdinalIgnoreCase));
        var device = Address.ToString();
        if (Says("REMOTE HOST IDENTIFICATION HAS CHANGED") || Says("Host key verification failed") || Says("host key for") || Says("No ") && Says("host key is known"))
        {
            return new ConfigurationException(
                $"the host key of {device} is not known or has changed (ssh: {first}); if the device was reinstalled, check its key and replace it: ssh-keygen -R {(Address.Port is { } port ? $"'[{Address.Host}]:{port}'" : Address.Host)}, then {Address.SshCommand} once");
        }

        if (Says("Permission denied") || Says("Too many authentication failures"))
        {
            return new ConfigurationException(
                $"ssh could not log in to {device} ({first}); install your key there with ssh-copy-id{(Address.Port is { } p ? $" -p {p}" : "")} {Address.Destination}, or name the key in ~/.ssh/config or {CommandVariable}");
        }

        if (sent is > 0 && said.Length > 0)
        {
            return new WorkFailedException($"the connection to {device} closed after {sent} bytes were sent (ssh: {FileSystem.ArchiveName.Display(first)}); nothing half-copied is used; check the device and run again");
        }

        if (Says("Connection refused") || Says("Could not resolve") || Says("timed out") || Says("No route to host") || Says("Network is unreachable") || Says("Connection closed") || Says("Connection reset"))
        {
            return new ConfigurationException($"cannot reach {device} ({first}); check the address, that the device is on, and that its ssh server runs (sudo raspi-config: Interface Options, SSH)");
        }

        if (said.Length == 0)
        {
            var seen = sent is { } n ? $"after {n} bytes sent and {received} received" : $"after {received} bytes received";
            return new ConfigurationException($"ssh to {device} failed: the connection closed {seen}, and ssh printed nothing; try {Address.SshCommand} by hand");
        }

        return new ConfigurationException($"ssh to {device} failed: {FileSystem.ArchiveName.Display(first)}; try {Address.SshCommand} by hand");
    }
}
