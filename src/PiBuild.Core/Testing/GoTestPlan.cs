using System.Globalization;
using PiBuild.Core.Builds;
using PiBuild.Core.Go;
using PiBuild.Core.Processes;
using PiBuild.Core.Projects;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Testing;

/// <summary>The <c>go test</c> to run: the board's environment, its CPU under qemu, its stack limit and timeout scale.</summary>
internal sealed record GoTestPlan(TargetProfile Target, GoProject Project, TimeSpan Timeout, string? Emulator, ProcessSpec GoTest);

internal static class GoTestPlanner
{
    /// <summary>go test's own default; the profile's scale multiplies it like any -timeout given.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(10);

    /// <param name="session">The session of the one board whose tests run.</param>
    /// <param name="exec">go test's -exec: qemu with the board's CPU, pibuild's device wrapper, or null to run test binaries here.</param>
    public static GoTestPlan Plan(BuildSession session, IReadOnlyList<string> packages, IReadOnlyList<string> goTestFlags, string? exec)
    {
        var target = session.Targets.Single();
        var project = session.Project;
        var (timeout, flags) = TakeTimeout(goTestFlags);
        var scaled = timeout * target.TestTimeoutScale;
        var emulator = exec;
        string[] args =
        [
            "test", "-json", "-timeout", GoDuration.Format(scaled),
            .. emulator is null ? Array.Empty<string>() : ["-exec", emulator],
            .. flags,
            .. packages.Count > 0 ? packages : ["./..."],
        ];
        var env = session.Environment(target).With("GO_TEST_TIMEOUT_SCALE", target.TestTimeoutScale.ToString(CultureInfo.InvariantCulture));
        var spec = new ProcessSpec(session.Toolchain.GoExecutable, args, project.BuildDirectory, env.Variables);
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
