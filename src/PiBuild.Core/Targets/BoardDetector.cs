namespace PiBuild.Core.Targets;

/// <summary>What the machine says it is, and the profile that matches it (if any).</summary>
/// <param name="UserlandBits">32 or 64: the word size of the programs it runs (not of its kernel); null when unknown.</param>
public sealed record DetectedBoard(string? Model, string? CpuPart, int? UserlandBits, TargetProfile? Profile);

/// <summary>What a machine says about itself: read here from a root, or on a device by a shell snippet over ssh.</summary>
internal sealed record BoardFacts(string? Model, string? CpuPart, int? UserlandBits);

/// <summary>
/// Recognises the board from <c>/proc/device-tree/model</c> (the longest matching prefix wins, so "Raspberry Pi Zero 2"
/// beats "Raspberry Pi Zero"), else <c>/proc/cpuinfo</c>'s CPU part; and chooses between a board's 64- and 32-bit
/// profiles by the userland's word size: the ELF class of <c>/bin/sh</c>, else the one dynamic loader present. Never
/// by <c>uname -m</c>: a 32-bit Raspberry Pi OS on a Pi 4 runs a 64-bit kernel that says aarch64. The root is a
/// parameter so that specs (and the SSH tests' fake device) point it at fake files; a device over ssh sends the same
/// facts (<see cref="Devices.DeviceProbe"/>) and they are matched by the same <see cref="Match"/>.
/// </summary>
internal sealed class BoardDetector(string root)
{
    private const int MaxLinks = 8;

    public DetectedBoard Detect(IEnumerable<TargetProfile> profiles) => Match(Read(), profiles);

    /// <summary>The facts under the root.</summary>
    public BoardFacts Read() => new(ReadModel(), ReadCpuPart(), ReadUserlandBits());

    public static DetectedBoard Match(BoardFacts facts, IEnumerable<TargetProfile> profiles)
    {
        var all = profiles.ToArray();
        var (model, cpuPart, bits) = facts;
        var candidates = model is not null ? ByModel(all, model) : ByCpuPart(all, cpuPart);

        // A board's 32-bit profile extends its 64-bit one and shares its models: the userland decides. Among equals
        // the base profile comes before a variant that extends it.
        var profile = candidates
            .Where(p => bits is null || p.UserlandBits == bits)
            .OrderBy(p => bits is null && p.UserlandBits != 64 ? 1 : 0)
            .ThenBy(p => p.Extends.Count)
            .ThenBy(p => p.Name, StringComparer.Ordinal)
            .FirstOrDefault();
        return new DetectedBoard(model, cpuPart, bits, profile);
    }

    private static TargetProfile[] ByModel(TargetProfile[] profiles, string model)
    {
        var matches = profiles
            .Select(p => (Profile: p, Length: p.Detect.Models.Where(m => model.StartsWith(m, StringComparison.Ordinal)).Select(m => m.Length).DefaultIfEmpty(0).Max()))
            .Where(m => m.Length > 0)
            .ToArray();
        var longest = matches.Select(m => m.Length).DefaultIfEmpty(0).Max();
        return matches.Where(m => m.Length == longest).Select(m => m.Profile).ToArray();
    }

    private static TargetProfile[] ByCpuPart(TargetProfile[] profiles, string? cpuPart) =>
        cpuPart is null ? [] : profiles.Where(p => string.Equals(p.Detect.CpuPart, cpuPart, StringComparison.OrdinalIgnoreCase)).ToArray();

    private string? ReadModel()
    {
        var path = Path.Combine(root, "proc/device-tree/model");

        // The device tree stores the model NUL-terminated.
        return File.Exists(path) ? File.ReadAllText(path).TrimEnd('\0', '\n', ' ') : null;
    }

    private string? ReadCpuPart()
    {
        var path = Path.Combine(root, "proc/cpuinfo");
        if (!File.Exists(path))
        {
            return null;
        }

        return File.ReadLines(path)
            .Select(line => line.Split(':', 2))
            .Where(parts => parts.Length == 2 && parts[0].Trim() == "CPU part")
            .Select(parts => parts[1].Trim())
            .FirstOrDefault();
    }

    private int? ReadUserlandBits() =>
        BoardAbi.UserlandBitsFrom(HeadOf("bin/sh"), BoardAbi.PiUserlands.Where(abi => Exists(abi.Loader.TrimStart('/'))));

    /// <summary>The first bytes of a file under the root, following symlinks within the root (/bin/sh is a link to dash).</summary>
    private byte[] HeadOf(string relative)
    {
        var path = relative;
        for (var hop = 0; hop < MaxLinks; hop++)
        {
            var full = Path.Combine(root, path);
            var info = new FileInfo(full);
            if (info.LinkTarget is { } target)
            {
                path = target.StartsWith('/') ? target.TrimStart('/') : Path.Combine(Path.GetDirectoryName(path) ?? "", target);
                continue;
            }

            if (!info.Exists)
            {
                return [];
            }

            var head = new byte[8];
            using var stream = info.OpenRead();
            var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            return head[..read];
        }

        return [];
    }

    private bool Exists(string relative) => Path.Exists(Path.Combine(root, relative));
}
