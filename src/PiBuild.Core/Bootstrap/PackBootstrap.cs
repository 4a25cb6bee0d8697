using PiBuild.Core.Binaries;
using PiBuild.Core.Digests;
using PiBuild.Core.FileSystem;
using PiBuild.Core.Go;
using PiBuild.Core.Processes;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Bootstrap;

public sealed record PackBootstrapResult(string Archive, string Sha256, long Size, string ChecksumFile, BinaryCheck GoCheck);

/// <summary>
/// <c>pibuild pack-bootstrap</c>: runs Go's own <c>src/bootstrap.bash</c> for a board on a writable copy of a Go
/// source tree and keeps its <c>go-&lt;goos&gt;-&lt;goarch&gt;-bootstrap.tbz</c>, with a <c>.sha256</c> beside it, so users
/// can serve the bootstrap toolchain a board without an official binary needs.
/// </summary>
internal sealed class PackBootstrap(ProcessRunner runner, PiBuildPaths paths)
{
    public async Task<PackBootstrapResult> RunAsync(
        TargetProfile target,
        string goSource,
        GoToolchain hostGo,
        string outputDirectory,
        Action<string> onPhase,
        CancellationToken cancellationToken)
    {
        var version = CheckSource(goSource, hostGo);
        Directory.CreateDirectory(outputDirectory);

        // A work directory of this run's own, removed afterwards (and by the next run, when this one is killed).
        using var work = StagingDirectory.Create(Path.Combine(paths.CacheDirectory, "pack-bootstrap", target.Name));
        onPhase($"copying the {version} source from {goSource}");
        var tree = await CopySourceAsync(goSource, work.Path, cancellationToken).ConfigureAwait(false);

        var env = GoEnvironment.Clean().ForTarget(target, hostGo.Version).With(new Dictionary<string, string?>
        {
            ["CGO_ENABLED"] = "0",
            ["GOROOT_BOOTSTRAP"] = hostGo.GoRoot,
        }).Variables;
        onPhase($"running src/bootstrap.bash for {target.GoOs}/{target.GoArch} GOARM={target.GoArm?.ToString() ?? "-"} with {hostGo.Version}");
        await RunAsync(new ProcessSpec("/bin/bash", ["bootstrap.bash"], Path.Combine(tree, "src"), env), onPhase, cancellationToken).ConfigureAwait(false);

        var name = $"go-{target.GoOs}-{target.GoArch}-bootstrap";
        var check = BinaryVerifier.Check(Path.Combine(work.Path, name, "bin", "go"), target, version);
        if (!check.Passed)
        {
            throw new WorkFailedException($"bootstrap.bash made a bin/go that is not right for {target.Name}: {string.Join("; ", check.Problems)}");
        }

        var archive = Path.Combine(outputDirectory, name + ".tbz");
        File.Move(Path.Combine(work.Path, name + ".tbz"), archive, overwrite: true);
        var sha256 = await Sha256Hex.OfFileAsync(archive, cancellationToken).ConfigureAwait(false);
        var checksumFile = archive + ".sha256";
        await File.WriteAllTextAsync(checksumFile, $"{sha256}  {Path.GetFileName(archive)}\n", cancellationToken).ConfigureAwait(false);
        return new PackBootstrapResult(archive, sha256, new FileInfo(archive).Length, checksumFile, check with { Path = Path.Combine(name, "bin", "go") });
    }

    /// <summary>The source tree's Go version, once it is known to hold bootstrap.bash and the host go can build it.</summary>
    private static string CheckSource(string goSource, GoToolchain hostGo)
    {
        var version = BootstrapPreflight.ReadVersion(goSource)
            ?? throw new ConfigurationException($"{goSource} is not a Go source tree (no VERSION and src/make.bash); pass one with --go-src DIR");
        if (!File.Exists(Path.Combine(goSource, "src", "bootstrap.bash")))
        {
            throw new ConfigurationException($"{goSource} has no src/bootstrap.bash; pass a Go source tree with --go-src DIR");
        }

        var minimum = BootstrapVersions.MinimumFor(GoVersion.Parse(version));
        return hostGo.Version >= minimum
            ? version
            : throw new ConfigurationException($"building {version} needs Go {minimum} or later, but {hostGo.GoExecutable} is {hostGo.Version}; pass a newer one with --go");
    }

    /// <summary>bootstrap.bash builds in a copy of the tree beside it: it gets a writable, dereferenced copy of ours.</summary>
    private async Task<string> CopySourceAsync(string goSource, string work, CancellationToken cancellationToken)
    {
        var tree = Path.Combine(work, "go");
        Directory.CreateDirectory(tree);
        var parts = new[] { "src", "VERSION", "misc", "lib", "api" }.Select(p => Path.Combine(goSource, p)).Where(p => File.Exists(p) || Directory.Exists(p));
        await RunAsync(ProcessSpec.Plain("cp", ["-rL", .. parts, tree], work), null, cancellationToken).ConfigureAwait(false);
        await RunAsync(ProcessSpec.Plain("chmod", ["-R", "u+w", tree], work), null, cancellationToken).ConfigureAwait(false);
        return tree;
    }

    private async Task RunAsync(ProcessSpec spec, Action<string>? onPhase, CancellationToken cancellationToken)
    {
        var output = onPhase is null ? null : new ProcessOutput(Phase, Phase);
        var result = await runner.RunAsync(spec, output, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new WorkFailedException($"{Path.GetFileName(spec.FileName)} {string.Join(' ', spec.Arguments.Take(1))} failed (exit {result.ExitCode})")
            {
                Details = result.Tail(20),
            };
        }

        void Phase(string line)
        {
            if (GoBuildPhases.IsPhase(line))
            {
                onPhase!(line);
            }
        }
    }
}
