using PiBuild.Core.Processes;

namespace PiBuild.Core.Devices;

/// <summary>
/// Commands on one device through the system OpenSSH client, so the user's ~/.ssh/config, agent, keys, known_hosts
/// and jump hosts apply. Never a prompt (BatchMode), and one connection shared by every command of a run and of the
/// runs that follow within a minute (ControlMaster in pibuild's runtime directory): a test run's many binaries pay one
/// handshake. <c>PIBUILD_SSH</c> names the ssh command with its options, as GIT_SSH_COMMAND does for git; its options
/// come first, so they win over pibuild's (ssh keeps the first value of each).
/// </summary>
internal sealed class SshConnection(DeviceAddress address, IReadOnlyList<string> ssh, string controlDirectory, ProcessRunner runner)
{
    public const string CommandVariable = "PIBUILD_SSH";

    /// <summary>ssh's own exit code for "could not connect or log in"; anything else is the remote command's.</summary>
    private const int SshFailed = 255;

    public DeviceAddress Address { get; } = address;

    public static SshConnection To(DeviceAddress address, Func<string, string?> getVariable, PiBuildPaths paths, ProcessRunner runner)
    {
        var words = getVariable(CommandVariable) is { Length: > 0 } line ? ShellQuote.Split(line) : ["ssh"];
        if (words.Count == 0)
        {
            throw new ConfigurationException($"{CommandVariable} is blank; set it to an ssh command, e.g. {CommandVariable}=\"ssh -F ./ssh_config\"");
        }

        return new SshConnection(address, words, paths.RuntimeDirectory(), runner);
    }

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
            "-o", $"ControlPath={Path.Combine(controlDirectory, "ssh-%C")}",
            "-o", "ControlPersist=60",
        ];
        string[] port = Address.Port is { } p ? ["-p", p.ToString(System.Globalization.CultureInfo.InvariantCulture)] : [];
        return ProcessSpec.Plain(ssh[0], [.. ssh.Skip(1), .. options, .. port, Address.Destination, "--", "exec /bin/sh -c " + ShellQuote.Always(script)], "/");
    }

    /// <summary>Runs a script, its output captured; a connection failure is a one-line usage error naming the fix.</summary>
    public async Task<ProcessResult> RunAsync(string script, CancellationToken cancellationToken, Stream? input = null)
    {
        var spec = Command(script);
        var result = input is null
            ? await runner.RunAsync(spec, cancellationToken: cancellationToken).ConfigureAwait(false)
            : await runner.RunAsync(spec, input, cancellationToken).ConfigureAwait(false);
        return result.ExitCode == SshFailed ? throw Failure(result.StandardError) : result;
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

    /// <summary>What went wrong in ssh's words, and what to do about it.</summary>
    internal ConfigurationException Failure(string standardError)
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
                $"the host key of {device} is not known or has changed (ssh: {first}); if the device was reinstalled, check its key and replace it: ssh-keygen -R {Address.Host}, then ssh {Address.Destination} once");
        }

        if (Says("Permission denied") || Says("Too many authentication failures"))
        {
            return new ConfigurationException(
                $"ssh could not log in to {device} ({first}); install your key there with ssh-copy-id {Address.Destination}, or name the key in ~/.ssh/config or {CommandVariable}");
        }

        if (Says("Connection refused") || Says("Could not resolve") || Says("timed out") || Says("No route to host") || Says("Network is unreachable") || Says("Connection closed") || Says("Connection reset"))
        {
            return new ConfigurationException($"cannot reach {device} ({first}); check the address, that the device is on, and that its ssh server runs (sudo raspi-config: Interface Options, SSH)");
        }

        return new ConfigurationException($"ssh to {device} failed: {first}; try ssh {Address.Destination} by hand");
    }
}
