using System.Globalization;

namespace PiBuild.Core.Addresses;

/// <summary>
/// Where the device is: <c>[user@]host[:port]</c> as given with <c>--on</c> or <c>PIBUILD_ON</c>; an IPv6 address
/// takes brackets (<c>pi@[fe80::1]:2222</c>). A host alone is fine: the user's ~/.ssh/config may name it.
/// </summary>
internal sealed partial record DeviceAddress(string? User, string Host, int? Port)
{
    /// <summary>The device for every command that takes --on, when --on is not given.</summary>
    public const string Variable = "PIBUILD_ON";

    public static DeviceAddress Parse(string text)
    {
        var rest = text.Trim();
        string? user = null;
        var at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            user = rest[..at];
            rest = rest[(at + 1)..];
        }

        int? port = null;
        string host;
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']', StringComparison.Ordinal);
            host = close > 1 ? rest[1..close] : throw Invalid(text);
            rest = rest[(close + 1)..];
            port = rest.Length == 0 ? null : rest.StartsWith(':') ? ParsePort(rest[1..], text) : throw Invalid(text);
        }
        else
        {
            var colon = rest.IndexOf(':', StringComparison.Ordinal);
            host = colon < 0 ? rest : rest[..colon];
            port = colon < 0 ? null : ParsePort(rest[(colon + 1)..], text);
        }

        // A leading '-' would reach ssh as an option.
        if (host.Length == 0 || host.StartsWith('-') || host.Any(char.IsWhiteSpace) || user is { Length: 0 } || user?.StartsWith('-') == true)
        {
            throw Invalid(text);
        }

        // As OpenSSH refuses them, and so no hint pibuild prints ("try ssh … by hand") can carry a shell's metacharacters.
        if (!HostCharacters().IsMatch(host) || (user is not null && !UserCharacters().IsMatch(user)))
        {
            throw new ConfigurationException($"'{FileSystem.ArchiveName.Display(text)}' is not a device address: a host name is letters, digits, '.', '-' and '_' (or an IP address), a user too; ssh refuses the rest");
        }

        return new DeviceAddress(user, host, port);
    }

    /// <summary>The ssh command a person would type to reach the device: <c>ssh -p 2222 pi@host</c>.</summary>
    public string SshCommand => Port is { } port ? $"ssh -p {port.ToString(CultureInfo.InvariantCulture)} {Destination}" : $"ssh {Destination}";

    /// <summary>The destination word for ssh: <c>user@host</c> or <c>host</c> (the port goes with -p).</summary>
    public string Destination => User is null ? Host : $"{User}@{Host}";

    public override string ToString()
    {
        var host = Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host;
        var address = User is null ? host : $"{User}@{host}";
        return Port is { } port ? $"{address}:{port.ToString(CultureInfo.InvariantCulture)}" : address;
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9._%:-]+$")]
    private static partial System.Text.RegularExpressions.Regex HostCharacters();

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9._+-]+$")]
    private static partial System.Text.RegularExpressions.Regex UserCharacters();

    private static int ParsePort(string text, string whole) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536 ? port : throw Invalid(whole);

    private static ConfigurationException Invalid(string text) =>
        new($"'{text}' is not a device address; write --on [user@]host[:port], e.g. --on pi@raspberrypi.local");
}
