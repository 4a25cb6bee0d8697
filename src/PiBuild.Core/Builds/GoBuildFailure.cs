using PiBuild.Core.Processes;

namespace PiBuild.Core.Builds;

/// <summary>Tells a request the user got wrong (exit 2) from code that does not compile (exit 1).</summary>
internal static class GoBuildFailure
{
    // go's own words for packages that are not there: a usage problem, not a build failure.
    private static readonly string[] MissingPackageMarkers =
    [
        "is not in GOROOT", "cannot find package", "directory not found", "no required module provides package",
        "is not in std", "malformed import path", "no Go files in",
    ];

    public static PiBuildException From(TargetBuild build, ProcessResult result) =>
        From("go build", build.Target.Name, build.GoBuild.WorkingDirectory, result);

    public static PiBuildException From(string tool, string target, string workingDirectory, ProcessResult result)
    {
        var output = result.StandardError.TrimEnd();
        var firstLine = output.Split('\n').FirstOrDefault(l => l.Length > 0)?.Trim() ?? $"go build exited with {result.ExitCode}";
        if (output.Contains("matched no packages", StringComparison.Ordinal))
        {
            return new ConfigurationException(
                $"no main package to build in {workingDirectory} ({firstLine}): add a package main, or name the command packages to build");
        }

        if (MissingPackageMarkers.Any(m => output.Contains(m, StringComparison.Ordinal)))
        {
            return new ConfigurationException($"{firstLine.TrimStart('-', ' ')} (target {target}); check the package paths (see: go list ./...)");
        }

        return new WorkFailedException($"{tool} for {target} failed (exit {result.ExitCode})") { Details = output };
    }
}
