using System.Globalization;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Devices;

/// <summary>What a device said about itself, and where pibuild keeps its files there.</summary>
internal sealed record DeviceFacts(BoardFacts Board, string Home);

/// <summary>
/// Asks a device what it is with one short POSIX sh script: the model from the device tree, the CPU part from
/// /proc/cpuinfo, the first bytes of /bin/sh (its ELF class is the userland's word size) and which dynamic loader is
/// there, the same facts <see cref="BoardDetector"/> reads on the device itself. <c>PIBUILD_HOST_ROOT</c> on the
/// device moves its root, as it does for local detection (the SSH tests' fake /proc).
/// </summary>
internal static class DeviceProbe
{
    /// <summary>The probe; its loader lines come from the board model, one per userland a Pi runs.</summary>
    public static readonly string Script = string.Join('\n',
    [
        "r=${PIBUILD_HOST_ROOT:-}",
        """[ -r "$r/proc/device-tree/model" ] && printf 'model=%s\n' "$(tr -d '\000' < "$r/proc/device-tree/model")" """.TrimEnd(),
        """[ -r "$r/proc/cpuinfo" ] && sed -n 's/^CPU part[[:space:]]*:[[:space:]]*/cpu_part=/p' "$r/proc/cpuinfo" | head -n 1""",
        """printf 'sh_head=%s\n' "$(od -An -tx1 -N5 "$r/bin/sh" 2>/dev/null | tr -d ' \n')" """.TrimEnd(),
        .. BoardAbi.PiUserlands.Select(abi => $"[ -e \"$r{abi.Loader}\" ] && echo loader={abi.DebianArchitecture}"),
        """printf 'home=%s\n' "$HOME" """.TrimEnd(),
    ]);

    public static async Task<DeviceFacts> AskAsync(SshConnection connection, CancellationToken cancellationToken)
    {
        var result = await connection.RunAsync(Script, cancellationToken).ConfigureAwait(false);
        var facts = Parse(result.StandardOutput);
        return facts.Home.StartsWith('/')
            ? facts
            : throw new ConfigurationException($"{connection.Address} did not answer like a POSIX shell ({result.FirstLine}); pibuild needs a login shell there");
    }

    public static DeviceFacts Parse(string output)
    {
        var values = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2))
            .Where(kv => kv.Length == 2)
            .GroupBy(kv => kv[0], kv => kv[1].TrimEnd('\r'))
            .ToDictionary(g => g.Key, g => g.ToArray());
        string? One(string key) => values.TryGetValue(key, out var v) && v[0].Trim() is { Length: > 0 } s ? s : null;
        var loaders = values.GetValueOrDefault("loader") ?? [];
        var bits = BoardAbi.UserlandBitsFrom(Hex(One("sh_head")), BoardAbi.PiUserlands.Where(abi => loaders.Contains(abi.DebianArchitecture)));
        return new DeviceFacts(new BoardFacts(One("model"), One("cpu_part"), bits), One("home") ?? "");
    }

    private static byte[] Hex(string? hex)
    {
        if (hex is null || hex.Length % 2 != 0)
        {
            return [];
        }

        var bytes = new byte[hex.Length / 2];
        for (var i = 0; i < bytes.Length; i++)
        {
            if (!byte.TryParse(hex.AsSpan(i * 2, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out bytes[i]))
            {
                return [];
            }
        }

        return bytes;
    }
}
