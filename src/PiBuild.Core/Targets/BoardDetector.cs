namespace PiBuild.Core.Targets;

/// <summary>What the machine says it is, and the profile that matches it (if any).</summary>
internal sealed record DetectedBoard(string? Model, string? CpuPart, TargetProfile? Profile);

/// <summary>
/// Recognises the board pibuild runs on from <c>/proc/device-tree/model</c>, then <c>/proc/cpuinfo</c>'s CPU part.
/// The root is a parameter so that specs can point it at fake files.
/// </summary>
internal sealed class BoardDetector(string root)
{
    public DetectedBoard Detect(IEnumerable<TargetProfile> profiles)
    {
        var candidates = profiles.ToArray();
        var model = ReadModel();
        var cpuPart = ReadCpuPart();

        var byModel = model is null
            ? null
            : candidates.FirstOrDefault(p => p.Detect.Models.Any(m => model.StartsWith(m, StringComparison.Ordinal)));
        var profile = byModel ?? (cpuPart is null
            ? null
            : candidates.FirstOrDefault(p => string.Equals(p.Detect.CpuPart, cpuPart, StringComparison.OrdinalIgnoreCase)));
        return new DetectedBoard(model, cpuPart, profile);
    }

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
}
