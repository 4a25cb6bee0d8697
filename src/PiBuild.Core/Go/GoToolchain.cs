using System.Text.Json;
using PiBuild.Core.Processes;

namespace PiBuild.Core.Go;

/// <summary>A Go toolchain pibuild drives: the <c>go</c> executable and what it says about itself.</summary>
public sealed record GoToolchain(string GoExecutable, GoVersion Version, string GoRoot, string HostOs, string HostArch)
{
    public const string ExecutableVariable = "PIBUILD_GO";

    /// <summary>
    /// Finds <c>go</c>: an explicit path (<c>--go</c>), then <c>$PIBUILD_GO</c>, then <c>go</c> on PATH; and asks it
    /// its version and GOROOT once.
    /// </summary>
    public static async Task<GoToolchain> LocateAsync(
        string? explicitPath,
        Func<string, string?> getVariable,
        ProcessRunner runner,
        CancellationToken cancellationToken)
    {
        var (path, source) = explicitPath is not null ? (explicitPath, "--go")
            : getVariable(ExecutableVariable) is { Length: > 0 } fromEnv ? (fromEnv, $"${ExecutableVariable}")
            : (ExecutableSearch.FindOnPath("go", getVariable("PATH")), "PATH");

        if (path is null)
        {
            throw new ConfigurationException(
                $"no Go toolchain found: 'go' is not on PATH; install one (Debian/Ubuntu: sudo apt-get install golang-go) or pass --go PATH");
        }

        path = ExecutableSearch.Resolve(path);
        if (!File.Exists(path))
        {
            throw new ConfigurationException($"the Go toolchain named by {source} does not exist: {path}; fix {source} or install Go");
        }

        // GOROOT is removed so that a stale one in the shell cannot point this go at another install.
        var spec = new ProcessSpec(path, ["env", "-json", "GOVERSION", "GOROOT", "GOHOSTOS", "GOHOSTARCH"],
            Environment.CurrentDirectory, new Dictionary<string, string?> { ["GOROOT"] = null, ["GOTOOLCHAIN"] = "local" });
        var result = await runner.RunAsync(spec, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new ConfigurationException($"{path} does not work as a Go toolchain ('go env' failed: {FirstLine(result.StandardError)}); reinstall it or pass another with --go");
        }

        return Parse(path, result.StandardOutput);
    }

    internal static GoToolchain Parse(string path, string goEnvJson)
    {
        using var json = JsonDocument.Parse(goEnvJson);
        string Get(string name) => json.RootElement.TryGetProperty(name, out var value) ? value.GetString() ?? "" : "";

        var versionText = Get("GOVERSION");
        if (!GoVersion.TryParse(versionText, out var version))
        {
            throw new ConfigurationException($"{path} reports an unknown Go version '{versionText}'; pibuild needs Go 1.16 or later");
        }

        return new GoToolchain(path, version!, Get("GOROOT"), Get("GOHOSTOS"), Get("GOHOSTARCH"));
    }

    private static string FirstLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? "no output";
}
