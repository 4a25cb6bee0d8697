using PiBuild.Core.Processes;
using PiBuild.Core.Setup;

namespace PiBuild.Core.Bootstrap;

/// <summary>What preflight needs to know about the machine, read once; specs hand in their own.</summary>
internal sealed record HostFacts(long? FreeBytes, long? AvailableMemoryBytes, string? GoRootVariable, bool PrefixIsPackaged)
{
    public static async Task<HostFacts> ReadAsync(string prefix, ProcessRunner runner, Func<string, string?> getVariable, CancellationToken cancellationToken) => new(
        NearestExisting(prefix) is { } existing ? new DriveInfo(existing).AvailableFreeSpace : null,
        HostMemory.AvailableBytes(),
        getVariable("GOROOT") is { Length: > 0 } goroot ? goroot : null,
        await DpkgOwnsAsync(prefix, runner, getVariable, cancellationToken).ConfigureAwait(false));

    internal static string? NearestExisting(string path)
    {
        for (var dir = new DirectoryInfo(path); dir is not null; dir = dir.Parent)
        {
            if (dir.Exists)
            {
                return dir.FullName;
            }
        }

        return null;
    }

    // dpkg knows every file a Debian package installed; a Go tree it owns must not be overwritten.
    private static async Task<bool> DpkgOwnsAsync(string path, ProcessRunner runner, Func<string, string?> getVariable, CancellationToken cancellationToken)
    {
        if (ExecutableSearch.FindOnPath("dpkg-query", getVariable("PATH")) is not { } dpkg || !Directory.Exists(path))
        {
            return false;
        }

        var result = await runner.RunAsync(new ProcessSpec(dpkg, ["-S", path], "/", new Dictionary<string, string?>()), cancellationToken: cancellationToken).ConfigureAwait(false);
        return result.Succeeded;
    }
}

/// <summary>
/// Checks before anything is downloaded: the prefix is the user's own (not /usr, not a packaged Go), empty or
/// this very Go tree; there is disk for the build; and it warns about a GOROOT in the environment or little memory.
/// </summary>
internal static class BootstrapPreflight
{
    private static readonly string[] SystemLocations = ["/usr", "/bin", "/sbin", "/lib", "/etc", "/opt/go", "/var/lib"];

    /// <returns>Warnings to show; refusals are thrown.</returns>
    public static IReadOnlyList<string> Check(BootstrapPlan plan, HostFacts facts)
    {
        CheckPrefix(plan, facts);
        if (facts.FreeBytes is { } bytes && bytes < plan.DiskBytes)
        {
            throw new WorkFailedException(
                $"not enough disk for {plan.BuildScript}: {bytes / (1024 * 1024)} MiB free at {HostFacts.NearestExisting(plan.Prefix)}, about {plan.DiskBytes / (1024 * 1024)} MiB needed; free some space or choose another --prefix");
        }

        var warnings = new List<string>();
        if (facts.GoRootVariable is { } goroot)
        {
            warnings.Add($"GOROOT={goroot} is set in your environment; it is removed for the build (make.bash finds its own root; never set GOROOT)");
        }

        if (facts.AvailableMemoryBytes is { } memory && memory < 700L * 1024 * 1024)
        {
            warnings.Add($"only {memory / (1024 * 1024)} MiB of memory available; {plan.BuildScript} may need swap (e.g. dphys-swapfile on Raspberry Pi OS)");
        }

        return warnings;
    }

    /// <summary>The prefix is the user's own (not a system location, not a package's files), and empty or this very Go tree.</summary>
    private static void CheckPrefix(BootstrapPlan plan, HostFacts facts)
    {
        var prefix = plan.Prefix;
        var system = SystemLocations.FirstOrDefault(s => prefix == s || prefix.StartsWith(s + "/", StringComparison.Ordinal));
        if (system is not null || prefix == "/")
        {
            throw new ConfigurationException(
                $"refusing to install Go into {prefix}: it is a system location ({system ?? "/"}), managed by the system or its package manager; use a directory you own, e.g. --prefix $HOME/go");
        }

        if (facts.PrefixIsPackaged)
        {
            throw new ConfigurationException($"refusing to install Go into {prefix}: files there belong to an installed package; use another --prefix");
        }

        if (File.Exists(prefix))
        {
            throw new ConfigurationException($"{prefix} is a file, not a directory; choose another --prefix");
        }

        if (Directory.Exists(prefix) && Directory.EnumerateFileSystemEntries(prefix).Any())
        {
            var version = ReadVersion(prefix)
                ?? throw new ConfigurationException($"{prefix} is not empty and holds no Go tree; choose an empty or new --prefix (nothing there was touched)");
            if (version != plan.GoVersion)
            {
                throw new ConfigurationException($"{prefix} holds {version}, not {plan.GoVersion}; remove it or choose another --prefix");
            }
        }
    }

    /// <summary>The first line of a Go tree's VERSION file, or null when the directory is not a Go tree.</summary>
    internal static string? ReadVersion(string goroot)
    {
        var file = Path.Combine(goroot, "VERSION");
        return File.Exists(file) && File.Exists(Path.Combine(goroot, "src", "make.bash"))
            ? File.ReadLines(file).FirstOrDefault()?.Trim()
            : null;
    }
}
