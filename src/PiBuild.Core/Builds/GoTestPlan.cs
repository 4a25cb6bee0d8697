using PiBuild.Core.Emulation;
using PiBuild.Core.Go;
using PiBuild.Core.Processes;
using PiBuild.Core.Projects;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Builds;

/// <summary>What <c>pibuild test</c> was asked for: a board, packages, and flags for <c>go test</c>.</summary>
public sealed record GoTestRequest(TargetProfile Target, IReadOnlyList<string> Packages, IReadOnlyList<string> GoTestFlags);

/// <summary>The <c>go test</c> to run: the board's environment, its CPU under qemu, its stack limit and timeout scale.</summary>
public sealed record GoTestPlan(TargetProfile Target, GoProject Project, TimeSpan Timeout, string? Emulator, ProcessSpec GoTest);

public static class GoTestPlanner
{
    /// <summary>go test's own default; the profile's scale multiplies it like any -timeout given.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(10);

    /// <param name="qemu">The emulator for the board's binaries; null when they run natively here.</param>
    public static GoTestPlan Plan(GoTestRequest request, GoProject project, GoToolchain toolchain, PiBuildPaths paths, QemuUser? qemu)
    {
        var target = request.Target;
        var (timeout, flags) = TakeTimeout(request.GoTestFlags);
        var scaled = timeout * target.TestTimeoutScale;
        string? emulator = null;
        if (qemu is not null)
        {
            // go test -exec splits its value like a shell: quote the path in case it has spaces.
            emulator = $"'{qemu.Executable}'" + (target.QemuCpu is { } cpu ? $" -cpu {cpu}" : "");
        }

        string[] args =
        [
            "test", "-json", "-timeout", GoDuration.Format(scaled),
            .. emulator is null ? Array.Empty<string>() : ["-exec", emulator],
            .. flags,
            .. request.Packages.Count > 0 ? request.Packages : ["./..."],
        ];
        var env = new Dictionary<string, string?>(GoBuildEnvironment.For(target, project, paths.GoBuildCache(target.Platform, toolchain.Version.Text)))
        {
            ["GO_TEST_TIMEOUT_SCALE"] = target.TestTimeoutScale.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var spec = new ProcessSpec(toolchain.GoExecutable, args, project.BuildDirectory, env);
        return new GoTestPlan(target, project, scaled, emulator, StackLimit.Apply(spec, target.ThreadStackKb));
    }

    /// <summary>Removes a <c>-timeout</c> from the user's flags and returns its value (go test's default when absent).</summary>
    private static (TimeSpan Timeout, IReadOnlyList<string> Remaining) TakeTimeout(IReadOnlyList<string> flags)
    {
        var rest = new List<string>();
        var timeout = DefaultTimeout;
        for (var i = 0; i < flags.Count; i++)
        {
            var flag = flags[i];
            var name = flag.TrimStart('-');
            string? value = null;
            if (name == "timeout" && flag.StartsWith('-'))
            {
                value = i + 1 < flags.Count ? flags[++i] : throw new ConfigurationException("-timeout needs a duration, e.g. -timeout 30s");
            }
            else if (name.StartsWith("timeout=", StringComparison.Ordinal) && flag.StartsWith('-'))
            {
                value = name["timeout=".Length..];
            }

            if (value is null)
            {
                rest.Add(flag);
            }
            else if (!GoDuration.TryParse(value, out timeout))
            {
                throw new ConfigurationException($"-timeout {value} is not a Go duration (e.g. 30s, 2m, 1h)");
            }
        }

        return (timeout, rest);
    }
}
