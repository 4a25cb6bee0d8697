namespace PiBuild.Core.Setup;

/// <summary>What the kernel says is available for new work (MemAvailable in /proc/meminfo), or null where it says nothing.</summary>
internal static class HostMemory
{
    public static long? AvailableBytes()
    {
        const string meminfo = "/proc/meminfo";
        var line = File.Exists(meminfo) ? File.ReadLines(meminfo).FirstOrDefault(l => l.StartsWith("MemAvailable:", StringComparison.Ordinal)) : null;
        var kb = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1);
        return long.TryParse(kb, out var value) ? value * 1024 : null;
    }
}
