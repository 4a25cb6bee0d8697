using System.Security.Cryptography;
using System.Text;
using PiBuild.Core.Archives;
using PiBuild.Core.Binaries;
using PiBuild.Core.Fetching;
using PiBuild.Core.Go;
using PiBuild.Core.Processes;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Bootstrap;

public sealed record BootstrapResult(string GoExecutable, string VersionLine, string LogPath, bool AlreadyBuilt, bool BootstrapRemoved);

/// <summary>
/// Carries out a <see cref="BootstrapPlan"/>: fetch and unpack the bootstrap toolchain and the source (resumable),
/// prove the bootstrap <c>go</c> runs here and is new enough, run make.bash (or all.bash) with the board's stack
/// limit and timeout scale, verify the result, and clean up. Each step first looks at what an earlier,
/// interrupted run left, so running the same command again continues where it stopped.
/// </summary>
internal sealed class BootstrapRun(ProcessRunner runner, Fetcher fetcher, PiBuildPaths paths, Func<string, string?> getVariable)
{
    public async Task<BootstrapResult> RunAsync(BootstrapPlan plan, Action<string> onPhase, CancellationToken cancellationToken)
    {
        var state = Path.Combine(paths.CacheDirectory, "bootstrap");
        Directory.CreateDirectory(Path.Combine(state, "logs"));
        var marker = Path.Combine(state, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(plan.Prefix)))[..16] + ".done");
        var goExecutable = Path.Combine(plan.Prefix, "bin", "go");
        var done = $"{plan.GoVersion} {plan.BuildScript}";
        var log = Path.Combine(state, "logs", $"{plan.GoVersion}-{DateTime.UtcNow:yyyyMMdd-HHmmss}.log");

        if (File.Exists(marker) && await File.ReadAllTextAsync(marker, cancellationToken).ConfigureAwait(false) == done && File.Exists(goExecutable))
        {
            onPhase($"{plan.GoVersion} is already built in {plan.Prefix}");
            var existing = await VerifyResultAsync(plan, cancellationToken).ConfigureAwait(false);
            return new BootstrapResult(goExecutable, existing, log, AlreadyBuilt: true, RemoveBootstrap(plan));
        }

        await PrepareBootstrapToolchainAsync(plan, onPhase, cancellationToken).ConfigureAwait(false);
        await PrepareSourceAsync(plan, onPhase, cancellationToken).ConfigureAwait(false);

        onPhase($"running src/{plan.BuildScript} (log: {log})");
        await RunBuildScriptAsync(plan, log, onPhase, cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(marker, done, cancellationToken).ConfigureAwait(false);

        var version = await VerifyResultAsync(plan, cancellationToken).ConfigureAwait(false);
        return new BootstrapResult(goExecutable, version, log, AlreadyBuilt: false, RemoveBootstrap(plan));
    }

    private async Task PrepareBootstrapToolchainAsync(BootstrapPlan plan, Action<string> onPhase, CancellationToken cancellationToken)
    {
        var go = Path.Combine(plan.BootstrapDirectory, "bin", "go");
        if (!File.Exists(go))
        {
            if (Directory.Exists(plan.BootstrapDirectory) && Directory.EnumerateFileSystemEntries(plan.BootstrapDirectory).Any())
            {
                throw new ConfigurationException($"{plan.BootstrapDirectory} exists but holds no Go toolchain (no bin/go); remove it and run again");
            }

            onPhase($"fetching the bootstrap toolchain {plan.Toolchain.FileName}");
            var fetched = await fetcher.FetchAsync(new FetchRequest(plan.Toolchain.Url, plan.Toolchain.Sha256), null, cancellationToken).ConfigureAwait(false);
            await SafeExtractor.ExtractAsync(fetched.Path, plan.BootstrapDirectory, new ExtractOptions(StripComponents: 1, DisplayName: fetched.Name), cancellationToken).ConfigureAwait(false);
            if (!File.Exists(go))
            {
                throw new WorkFailedException($"{plan.Toolchain.FileName} holds no bin/go under its top directory; it is not a Go toolchain");
            }
        }

        // make.bash silently falls back to any go on PATH when $GOROOT_BOOTSTRAP/bin/go is missing or broken: check it here.
        var check = BinaryVerifier.Check(go, plan.Target, rules: VerificationRules.RunsOnBoard);
        if (!check.Passed)
        {
            throw new WorkFailedException($"the bootstrap toolchain's bin/go cannot run on {plan.Target.Name}: {string.Join("; ", check.Problems)}");
        }

        var version = await GoVersionOfAsync(go, cancellationToken).ConfigureAwait(false)
            ?? throw new WorkFailedException($"{go} does not run here ('go version' failed); the bootstrap toolchain is for another machine");
        if (version < plan.MinimumBootstrapVersion)
        {
            throw new ConfigurationException(
                $"the bootstrap toolchain is {version}, but building {plan.GoVersion} needs {plan.MinimumBootstrap} or later; pass a newer one with --bootstrap-url");
        }

        onPhase($"bootstrap toolchain: {version} in {plan.BootstrapDirectory}");
    }

    private async Task PrepareSourceAsync(BootstrapPlan plan, Action<string> onPhase, CancellationToken cancellationToken)
    {
        if (BootstrapPreflight.ReadVersion(plan.Prefix) == plan.GoVersion)
        {
            onPhase($"source of {plan.GoVersion} already in {plan.Prefix}");
            return;
        }

        onPhase($"fetching the source {plan.Source.FileName}");
        var fetched = await fetcher.FetchAsync(new FetchRequest(plan.Source.Url, plan.Source.Sha256), null, cancellationToken).ConfigureAwait(false);
        await SafeExtractor.ExtractAsync(fetched.Path, plan.Prefix, new ExtractOptions(StripComponents: 1, DisplayName: fetched.Name), cancellationToken).ConfigureAwait(false);
        var unpacked = BootstrapPreflight.ReadVersion(plan.Prefix);
        if (unpacked != plan.GoVersion)
        {
            throw new WorkFailedException($"{plan.Source.FileName} holds {unpacked ?? "no Go source tree"}, not {plan.GoVersion}; check --source-url and --go");
        }
    }

    /// <summary>
    /// make.bash builds runtime/cgo with the C compiler on PATH ($CC, else gcc): one that targets another architecture
    /// (an x86-64 gcc under emulation, a 64-bit userland's gcc for a 32-bit Go) fails there, after most of the build.
    /// Asked first: such a compiler means a build without cgo, said so; none at all is make.bash's own business.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, string?>> BuildEnvironmentAsync(BootstrapPlan plan, Action<string> onPhase, CancellationToken cancellationToken)
    {
        var environment = plan.BuildEnvironment;
        var named = getVariable("CC") is { Length: > 0 } cc ? cc.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0] : "gcc";
        if (ExecutableSearch.FindOnPath(named, getVariable("PATH")) is not { } compiler
            || GoArchitecture.Find(plan.Target.GoArch) is not { } wanted)
        {
            return environment;
        }

        var asked = await runner.RunAsync(ProcessSpec.Plain(compiler, ["-dumpmachine"], "/"), cancellationToken: cancellationToken).ConfigureAwait(false);
        var machine = asked.StandardOutput.Trim();

        if (!asked.Succeeded || machine.Length == 0 || wanted.IsBuiltForBy(machine))
        {
            return environment;
        }

        onPhase($"{compiler} builds for {machine}, not for {plan.Target.Name} ({plan.Target.GoArch}): building Go without cgo (CGO_ENABLED=0); install the board's own gcc for cgo");
        return new Dictionary<string, string?>(environment) { ["CGO_ENABLED"] = "0" };
    }

    private async Task RunBuildScriptAsync(BootstrapPlan plan, string log, Action<string> onPhase, CancellationToken cancellationToken)
    {
        var source = Path.Combine(plan.Prefix, "src");
        var environment = await BuildEnvironmentAsync(plan, onPhase, cancellationToken).ConfigureAwait(false);
        var spec = StackLimit.Apply(new ProcessSpec("/bin/bash", [plan.BuildScript], source, environment), plan.Target.ThreadStackKb);
        await using var logFile = new StreamWriter(log, append: true) { AutoFlush = true };
        await logFile.WriteLineAsync($"# (cd {source} && {spec.ToShellLine()})").ConfigureAwait(false);
        var gate = new Lock();
        void Line(string line)
        {
            lock (gate)
            {
                logFile.WriteLine(line);
            }

            if (GoBuildPhases.IsPhase(line))
            {
                onPhase(line);
            }
        }

        var result = await runner.RunAsync(spec, new ProcessOutput(Line, Line), cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new WorkFailedException(
                $"{plan.BuildScript} failed (exit {result.ExitCode}); the full log is {log}; the source in {plan.Prefix} and the bootstrap toolchain were kept")
            {
                Details = result.Tail(20),
            };
        }
    }

    private async Task<string> VerifyResultAsync(BootstrapPlan plan, CancellationToken cancellationToken)
    {
        var go = Path.Combine(plan.Prefix, "bin", "go");
        if (plan.Target.GoArch == "arm")
        {
            var check = BinaryVerifier.Check(go, plan.Target, rules: VerificationRules.RunsOnBoard);
            if (!check.Passed)
            {
                throw new WorkFailedException($"the new {go} is not right for {plan.Target.Name}: {string.Join("; ", check.Problems)}");
            }
        }

        var version = await GoVersionOfAsync(go, cancellationToken).ConfigureAwait(false);
        if (version is null || version.Text != plan.GoVersion)
        {
            throw new WorkFailedException($"the new {go} reports {version?.Text ?? "nothing"}, not {plan.GoVersion}; see the log");
        }

        return $"{go} is {version}";
    }

    private async Task<GoVersion?> GoVersionOfAsync(string go, CancellationToken cancellationToken)
    {
        try
        {
            var result = await runner.RunAsync(
                new ProcessSpec(go, ["version"], "/", GoEnvironment.Clean().Variables),
                cancellationToken: cancellationToken).ConfigureAwait(false);
            return result.Succeeded && GoVersion.TryParse(result.StandardOutput, out var version) ? version : null;
        }
        catch (ProgramNotStartedException)
        {
            // Exec format error: a binary for another architecture.
            return null;
        }
    }

    private static bool RemoveBootstrap(BootstrapPlan plan)
    {
        if (plan.KeepBootstrap || !Directory.Exists(plan.BootstrapDirectory))
        {
            return false;
        }

        Directory.Delete(plan.BootstrapDirectory, recursive: true);
        return true;
    }
}
