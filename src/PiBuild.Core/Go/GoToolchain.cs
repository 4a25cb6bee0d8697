using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PiBuild.Core.Processes;

namespace PiBuild.Core.Go;

/// <summary>A Go toolchain pibuild drives: the <c>go</c> executable and what it says about itself.</summary>
internal sealed record GoToolchain(string GoExecutable, GoVersion Version, string GoRoot, string HostOs, string HostArch)
{
    public const string ExecutableVariable = "PIBUILD_GO";

    /// <summary>Why this toolchain builds ("--go 1.23", "go on PATH satisfies go.mod's go 1.19"), for doctor and --verbose.</summary>
    public string Reason { get; init; } = "";

    /// <summary>
    /// Asks the go at <paramref name="path"/> its version, GOROOT and host once, and remembers the answer.
    /// <paramref name="source"/> names where the path came from (--go, $PIBUILD_GO, PATH) for messages.
    /// </summary>
    /// <param name="cacheDirectory">Where what a go binary said about itself is remembered, keyed by the binary's
    /// size and modification time: asking costs a process start (~25 ms) on every edit-loop build.</param>
    internal static async Task<GoToolchain> ProbeAsync(string path, string source, ProcessRunner runner, string cacheDirectory, CancellationToken cancellationToken)
    {
        path = ExecutableSearch.Resolve(path);
        if (!File.Exists(path))
        {
            throw new ConfigurationException($"the Go toolchain named by {source} does not exist: {path}; fix {source} or install Go");
        }

        var remembered = new ToolchainMemo(cacheDirectory, path);
        if (remembered.Read() is { } knownJson)
        {
            return Parse(path, knownJson);
        }

        // GOROOT is removed so that a stale one in the shell cannot point this go at another install.
        var spec = new ProcessSpec(path, ["env", "-json", "GOVERSION", "GOROOT", "GOHOSTOS", "GOHOSTARCH"], Environment.CurrentDirectory, GoEnvironment.Clean().Variables);
        var result = await runner.RunAsync(spec, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new ConfigurationException($"{path} does not work as a Go toolchain ('go env' failed: {result.FirstLine}); reinstall it or pass another with --go");
        }

        var toolchain = Parse(path, result.StandardOutput);
        remembered.Write(result.StandardOutput);
        return toolchain;
    }

    internal static GoToolchain Parse(string path, string goEnvJson)
    {
        Dictionary<string, string> env;
        try
        {
            env = JsonText.Deserialize(goEnvJson, PiBuildJson.Default.DictionaryStringString);
        }
        catch (JsonException)
        {
            throw new ConfigurationException($"{path} is not a Go toolchain: 'go env -json' printed no JSON; pass a go executable with --go");
        }

        string Get(string name) => env.GetValueOrDefault(name) ?? "";
        var versionText = Get("GOVERSION");
        if (!GoVersion.TryParse(versionText, out var version))
        {
            throw new ConfigurationException($"{path} reports an unknown Go version '{versionText}'; pibuild needs Go 1.16 or later");
        }

        return new GoToolchain(path, version!, Get("GOROOT"), Get("GOHOSTOS"), Get("GOHOSTARCH"));
    }
}

/// <summary>What <c>go env</c> printed for one go binary, valid while that binary's size and time are unchanged.</summary>
internal sealed class ToolchainMemo(string cacheDirectory, string goExecutable)
{
    private readonly string _file = Path.Combine(cacheDirectory, "go-env",
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(goExecutable)))[..16] + ".json");

    public string? Read()
    {
        try
        {
            var text = File.Exists(_file) ? File.ReadAllText(_file) : null;
            var key = Key();
            return text is not null && text.StartsWith(key + "\n", StringComparison.Ordinal) ? text[(key.Length + 1)..] : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public void Write(string goEnvJson)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_file)!);
            var temporary = $"{_file}.{Environment.ProcessId}.tmp";
            File.WriteAllText(temporary, Key() + "\n" + goEnvJson);
            File.Move(temporary, _file, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only a speed-up: without it, go is asked again next time.
        }
    }

    // The binary behind any symlinks (Debian's /usr/bin/go), identified by path, size and modification time.
    private string Key()
    {
        var target = File.ResolveLinkTarget(goExecutable, returnFinalTarget: true)?.FullName ?? goExecutable;
        var info = new FileInfo(target);
        return $"{goExecutable}|{target}|{info.Length}|{info.LastWriteTimeUtc.Ticks}";
    }
}
