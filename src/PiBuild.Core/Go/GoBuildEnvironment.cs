using PiBuild.Core.Projects;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Go;

/// <summary>
/// The complete Go environment for building one project for one target. Every variable that decides what
/// gets built is set here or removed, so nothing left in the user's shell (a stray GOARM, GOARCH, GOFLAGS or
/// GOROOT) changes the result.
/// </summary>
public static class GoBuildEnvironment
{
    // Variant variables of other architectures; a leftover GOAMD64=v3 must not shape a build either.
    private static readonly string[] ArchitectureVariants = ["GO386", "GOAMD64", "GOARM64", "GOMIPS", "GOMIPS64", "GOPPC64", "GORISCV64", "GOWASM"];

    public static IReadOnlyDictionary<string, string?> For(TargetProfile target, GoProject project, string goCache)
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["GOOS"] = target.GoOs,
            ["GOARCH"] = target.GoArch,
            ["GOARM"] = target.GoArm?.ToString(),
            ["CGO_ENABLED"] = target.Cgo ? "1" : "0",
            ["GOCACHE"] = goCache,

            // pibuild passes its flags on the command line; GOFLAGS from the shell would add to them unseen.
            ["GOFLAGS"] = null,

            // Go finds its own root from its executable; a GOROOT in the shell can only point it at the wrong tree.
            ["GOROOT"] = null,

            // The toolchain pibuild verified against is the one that builds: no switching or downloading (Go 1.21+).
            ["GOTOOLCHAIN"] = "local",
        };

        foreach (var variant in ArchitectureVariants)
        {
            env[variant] = null;
        }

        if (project.Layout == ProjectLayout.GbStyle)
        {
            env["GO111MODULE"] = "off";
            env["GOPATH"] = project.GoPath;
        }
        else
        {
            env["GO111MODULE"] = "on";
        }

        return env;
    }
}
