namespace PiBuild.IntegrationTests.Infrastructure;

/// <summary>Finds the processes a pibuild run started, by a marker in their environment (its cache path).</summary>
public static class Processes
{
    /// <summary>Process ids whose environment contains <paramref name="marker"/>, pibuild itself excluded.</summary>
    public static int[] WithEnvironmentContaining(string marker) =>
        Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(name => int.TryParse(name, out _))
            .Where(pid =>
            {
                try
                {
                    return File.ReadAllText($"/proc/{pid}/environ").Contains(marker, StringComparison.Ordinal)
                        && !File.ReadAllText($"/proc/{pid}/cmdline").Contains("pibuild.dll", StringComparison.Ordinal);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    return false;
                }
            })
            .Select(pid => int.Parse(pid!, System.Globalization.CultureInfo.InvariantCulture))
            .ToArray();

    public static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>Sends SIGINT, as a terminal's Ctrl-C does to the foreground program.</summary>
    public static async Task InterruptAsync(int pid) =>
        (await Run.ProgramAsync("kill", ["-INT", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])).AssertSucceeded();
}
