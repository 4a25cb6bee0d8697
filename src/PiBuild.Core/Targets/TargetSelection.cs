namespace PiBuild.Core.Targets;

/// <summary>
/// Which board(s) a command works for, decided in one place: the boards named with --target (comma-separated or
/// repeated), else the project's <c>pibuild.yaml</c> targets for commands that build many, else the board
/// pibuild runs on for commands that work on the device.
/// </summary>
internal static class TargetSelection
{
    /// <summary>For commands that build for several boards (cross, release): named, else configured, else a usage error.</summary>
    public static IReadOnlyList<TargetProfile> Many(ProfileCatalog catalog, IReadOnlyList<string> named, IReadOnlyList<string> configured, string command)
    {
        var names = Split(named.Count > 0 ? named : configured);
        return names.Count > 0
            ? names.Select(catalog.Get).ToArray()
            : throw new ConfigurationException($"{command} needs a board: --target pi2 (or pi1,pi2; see: pibuild targets), or list 'targets' in pibuild.yaml");
    }

    /// <summary>For commands about exactly one board that need not be this machine (run, verify, pack-bootstrap).</summary>
    public static TargetProfile Named(ProfileCatalog catalog, IReadOnlyList<string> named, string command) =>
        Split(named) is [var single]
            ? catalog.Get(single)
            : throw new ConfigurationException($"{command} needs exactly one board: --target pi1 (see: pibuild targets)");

    /// <summary>For commands that work on the device (build, test, bootstrap): the board named, else the one detected here.</summary>
    public static TargetProfile ThisBoard(ProfileCatalog catalog, IReadOnlyList<string> named, string hostRoot, string command)
    {
        if (named.Count > 0)
        {
            return Named(catalog, named, command);
        }

        var board = new BoardDetector(hostRoot).Detect(catalog.All);
        if (board.Profile is { } profile)
        {
            return profile;
        }

        throw NotAKnownBoard(board, catalog);
    }

    /// <summary>
    /// For commands on a device over ssh: the board named, if the device can run it, else the one the device says it
    /// is. Refused before anything is copied: a GOARM=7 binary for a Pi 1 dies with SIGILL, an arm64 one cannot start
    /// on a 32-bit userland.
    /// </summary>
    public static TargetProfile ForDevice(ProfileCatalog catalog, IReadOnlyList<string> named, DetectedBoard device, string deviceName, string command)
    {
        if (device.Profile is not { } detected)
        {
            // A board pibuild does not know may still be named; only its word size can be checked.
            var asked = named.Count > 0 ? Named(catalog, named, command) : throw NotAKnownBoard(device, catalog, $"the device {deviceName}");
            return asked.GoArch == "arm64" && device.UserlandBits == 32
                ? throw new ConfigurationException($"--target {asked.Name} cannot run on {deviceName}: an arm64 binary cannot start on a 32-bit userland; name a 32-bit board")
                : asked;
        }

        if (named.Count == 0)
        {
            return detected;
        }

        var target = Named(catalog, named, command);
        return WhyNotRunnable(target, detected) is { } reason
            ? throw new ConfigurationException($"--target {target.Name} cannot run on {deviceName}, a {detected.Name} ({detected.Board}): {reason}; drop --target to build for the device, or use --target {detected.Name}")
            : target;
    }

    /// <summary>Why a binary built for <paramref name="target"/> cannot run on <paramref name="device"/>; null when it can.</summary>
    internal static string? WhyNotRunnable(TargetProfile target, TargetProfile device) =>
        target.Level.WhyNotRunsOn(device.Level, device.UserlandBits, device.Cpu);

    /// <summary>What was seen and what is known, and the way out: --target.</summary>
    internal static ConfigurationException NotAKnownBoard(DetectedBoard board, ProfileCatalog catalog, string machine = "this machine")
    {
        if (board.Model is { } model && model.StartsWith("Raspberry Pi", StringComparison.Ordinal))
        {
            var userland = board.UserlandBits is { } bits ? $" with a {bits}-bit userland" : "";
            var known = string.Join("; ", catalog.All.Where(p => p.Detect.Models.Count > 0).Select(p => $"{p.Name}: {string.Join(", ", p.Detect.Models)}"));
            var where = machine == "this machine" ? "" : $" on {machine}";
            return new ConfigurationException($"'{model}'{userland}{where} is not a board pibuild knows (known models: {known}); name the board with --target (see: pibuild targets)");
        }

        var seen = board.Model ?? (board.CpuPart is null ? "no /proc/device-tree/model" : $"CPU part {board.CpuPart}");
        var fix = machine == "this machine" ? "on a laptop use 'pibuild cross --target pi2', or name the board with --target" : "check the address (--on), or add a profile for it (see: pibuild targets)";
        return new ConfigurationException($"{machine} is not a known Raspberry Pi ({seen}); {fix}");
    }

    private static List<string> Split(IEnumerable<string> names) =>
        names.SelectMany(n => n.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.Ordinal)
            .ToList();
}
