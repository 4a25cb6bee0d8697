using System.Globalization;
using PiBuild.Core.Emulation;
using PiBuild.Core.FileSystem;
using PiBuild.Core.Go;
using PiBuild.Core.Processes;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Setup;

/// <summary>Looks at this machine the way <c>pibuild cross</c>, <c>run</c> and <c>bootstrap</c> will need it.</summary>
internal sealed class SetupInspector(ProcessRunner runner, PiBuildPaths paths, Func<string, string?> getVariable)
{
    private const string InstallHint = "sudo apt-get install -y golang-go qemu-user-static";

    public async Task<IReadOnlyList<SetupCheck>> InspectAsync(ProfileCatalog catalog, string? goPath, CancellationToken cancellationToken)
    {
        var checks = new List<SetupCheck>();
        GoToolchain? go = null;
        try
        {
            go = await GoToolchain.LocateAsync(goPath, getVariable, runner, cancellationToken).ConfigureAwait(false);
            checks.Add(new SetupCheck("go", CheckStatus.Ok, $"{go.Version} at {go.GoExecutable}"));
        }
        catch (ConfigurationException e)
        {
            checks.Add(new SetupCheck("go", CheckStatus.Missing, e.Message, $"{InstallHint} (or pass --go PATH)"));
        }

        checks.Add(CheckQemu(catalog, go));
        checks.Add(CheckCache());
        if (go is not null)
        {
            checks.Add(CheckGoRoot(go));
        }

        checks.Add(CheckStackLimit(catalog));
        checks.Add(new SetupCheck("profiles", CheckStatus.Ok, string.Join(", ", catalog.All.Select(p => $"{p.Name} ({p.Origin.Layer})"))));
        return checks;
    }

    private SetupCheck CheckQemu(ProfileCatalog catalog, GoToolchain? go)
    {
        var arm = catalog.All.FirstOrDefault(p => p.GoArch == "arm");
        if (arm is null)
        {
            return new SetupCheck("qemu-user", CheckStatus.Warning, "no ARM profile to emulate", Required: false);
        }

        // On a Pi the binaries run natively; qemu is only needed on other machines.
        var native = go is not null && BoardExecutor.IsNative(arm, go.HostOs, go.HostArch);
        try
        {
            var qemu = QemuUser.Locate(arm, getVariable);
            return new SetupCheck("qemu-user", CheckStatus.Ok, $"{qemu.Executable} (runs {arm.Name} binaries with -cpu {arm.QemuCpu})");
        }
        catch (ConfigurationException)
        {
            return new SetupCheck("qemu-user", native ? CheckStatus.Warning : CheckStatus.Missing,
                "qemu-arm-static not found: pibuild run/test and the emulated proof of binaries need it",
                "sudo apt-get install -y qemu-user-static", Required: !native);
        }
    }

    private SetupCheck CheckCache()
    {
        var directory = paths.CacheDirectory;
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
        var wanted = catalog.All.Where(p => p.GoArch == "arm").Select(p => p.ThreadStackKb).DefaultIfEmpty(ProfileKeys.DefaultThreadStackKb).Min();
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
