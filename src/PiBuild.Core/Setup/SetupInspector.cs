using System.Globalization;
using PiBuild.Core.Emulation;
using PiBuild.Core.FileSystem;
using PiBuild.Core.Go;
using PiBuild.Core.Processes;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Setup;

/// <summary>Looks at this machine the way <c>pibuild cross</c>, <c>run</c> and <c>bootstrap</c> will need it.</summary>
internal sealed class SetupInspector(Workspace workspace)
{
    private const string InstallHint = "sudo apt-get install -y golang-go qemu-user-static";

    public async Task<IReadOnlyList<SetupCheck>> InspectAsync(ProfileCatalog catalog, CancellationToken cancellationToken)
    {
        var checks = new List<SetupCheck>();
        var (check, go) = await CheckGoAsync(cancellationToken).ConfigureAwait(false);
        checks.Add(check);
        foreach (var boards in catalog.All.GroupBy(p => p.GoArch).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            checks.Add(CheckQemu(boards.ToArray(), go));
        }

        foreach (var boards in catalog.All.Where(p => p.GoArch is "arm" or "arm64").GroupBy(p => p.GoArch).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            checks.Add(CheckCCompiler(boards.ToArray()));
        }

        checks.Add(CheckCache());
        if (go is not null)
        {
            checks.Add(CheckGoRoot(go));
        }

        checks.Add(CheckStackLimit(catalog));
        checks.Add(new SetupCheck("profiles", CheckStatus.Ok, string.Join(", ", catalog.All.Select(p => $"{p.Name} ({p.Origin.Layer})"))));
        return checks;
    }

    /// <summary>
    /// The Go this project would build with, and why (the toolchain plan, which fetches nothing here): a go that
    /// is here is probed; a release still to be fetched is a warning, since the first build will fetch it.
    /// </summary>
    private async Task<(SetupCheck Check, GoToolchain? Go)> CheckGoAsync(CancellationToken cancellationToken)
    {
        try
        {
            var selection = new ToolchainSelection(workspace);
            var plan = await selection.PlanAsync(workspace.Requirement(), cancellationToken).ConfigureAwait(false);
            if (plan.Fetch is { } fetch)
            {
                return (new SetupCheck("go", CheckStatus.Warning, $"{fetch} will be fetched into the cache by the first build: {plan.Reason}", Required: false), null);
            }

            var go = await selection.ResolveAsync(plan, cancellationToken).ConfigureAwait(false);
            return (new SetupCheck("go", CheckStatus.Ok, $"{go.Version} at {go.GoExecutable} ({go.Reason})"), go);
        }
        catch (PiBuildException e)
        {
            return (new SetupCheck("go", CheckStatus.Missing, e.Message, $"{InstallHint} (or pass --go PATH, or --go stable)"), null);
        }
    }

    /// <summary>The emulator one architecture's boards need here (none on the board itself).</summary>
    private SetupCheck CheckQemu(IReadOnlyList<TargetProfile> boards, GoToolchain? go)
    {
        var board = boards[0];
        var name = $"qemu-{QemuUser.ArchitectureName(board.GoArch)}";
        if (go is not null && BoardExecutor.IsNative(board, go.HostOs, go.HostArch))
        {
            return new SetupCheck(name, CheckStatus.Ok, $"not needed: {board.GoArch} binaries run natively here", Required: false);
        }

        try
        {
            var qemu = QemuUser.Locate(board, workspace.GetVariable);
            return new SetupCheck(name, CheckStatus.Ok, $"{qemu.Executable} (runs {string.Join(", ", boards.Select(b => b.Name))}, each with its board's -cpu)");
        }
        catch (ConfigurationException)
        {
            return new SetupCheck(name, CheckStatus.Missing,
                $"{name}-static not found: pibuild run and test of {string.Join(", ", boards.Select(b => b.Name))} need it",
                "sudo apt-get install -y qemu-user-static");
        }
    }

    /// <summary>The C cross compiler --cgo needs for one architecture's boards; optional, as cgo is.</summary>
    private SetupCheck CheckCCompiler(IReadOnlyList<TargetProfile> boards)
    {
        var cgo = CgoToolchain.For(boards[0], sysroot: null);
        var name = $"cgo-{boards[0].GoArch}";
        var names = string.Join(", ", boards.Select(b => b.Cgo ? $"{b.Name} (cgo: true)" : b.Name));
        return ExecutableSearch.FindOnPath(cgo.CCompiler, workspace.GetVariable("PATH")) is { } compiler
            ? new SetupCheck(name, CheckStatus.Ok, $"{compiler} (for --cgo on {names})", Required: boards.Any(b => b.Cgo))
            : new SetupCheck(name, boards.Any(b => b.Cgo) ? CheckStatus.Missing : CheckStatus.Warning,
                $"{cgo.CCompiler} not found: --cgo for {names} needs it", $"sudo apt-get install -y {cgo.Package}", Required: boards.Any(b => b.Cgo));
    }

    private SetupCheck CheckCache()
    {
        var directory = workspace.Paths.CacheDirectory;
        try
        {
            WritableDirectory.Ensure(directory, "the cache", "set PIBUILD_CACHE_DIR or XDG_CACHE_HOME to a writable directory");
            return new SetupCheck("cache", CheckStatus.Ok, $"{directory} (writable)");
        }
        catch (ConfigurationException e)
        {
            return new SetupCheck("cache", CheckStatus.Missing, e.Message, "set PIBUILD_CACHE_DIR or XDG_CACHE_HOME to a writable directory");
        }
    }

    private static SetupCheck CheckGoRoot(GoToolchain go)
    {
        var writable = WritableDirectory.IsWritable(go.GoRoot);
        var detail = $"{go.GoRoot} ({(writable ? "writable" : "read-only")}; pibuild never writes there: its builds use their own GOCACHE)";
        return new SetupCheck("GOROOT", CheckStatus.Ok, detail, Required: false);
    }

    private SetupCheck CheckStackLimit(ProfileCatalog catalog)
    {
        var soft = ReadStackLimitKb();
        var wanted = catalog.All.Select(p => p.ThreadStackKb).DefaultIfEmpty(ProfileKeys.DefaultThreadStackKb).Min();
        var shown = soft is null ? "unknown" : soft == long.MaxValue ? "unlimited" : $"{soft} KiB";
        return new SetupCheck("stack limit", CheckStatus.Ok,
            $"{shown} here; pibuild applies {wanted} KiB (ulimit -s {wanted}) to the processes it runs for bootstrap and tests",
            Required: false);
    }

    private static long? ReadStackLimitKb()
    {
        const string limits = "/proc/self/limits";
        if (!File.Exists(limits))
        {
            return null;
        }

        var line = File.ReadLines(limits).FirstOrDefault(l => l.StartsWith("Max stack size", StringComparison.Ordinal));
        var soft = line?["Max stack size".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return soft switch
        {
            null => null,
            "unlimited" => long.MaxValue,
            _ => long.TryParse(soft, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) ? bytes / 1024 : null,
        };
    }
}
