using PiBuild.Core;
using PiBuild.Core.Builds;
using PiBuild.Core.Go;
using PiBuild.Core.Projects;
using PiBuild.Core.Targets;

namespace PiBuild.Tests.Builds;

/// <summary>Build sessions as a command opens them, with Go and the project given instead of resolved.</summary>
internal static class Sessions
{
    public static readonly GoProject Module = new("/work/sensors", ProjectLayout.Module);

    public static GoToolchain Go(string version) => new("/usr/lib/go/bin/go", GoVersion.Parse(version), "/usr/lib/go", "linux", "amd64");

    /// <summary>A session of <paramref name="targets"/>; a cgo board links against its cross toolchain's own root.</summary>
    public static BuildSession Of(IReadOnlyList<TargetProfile> targets, GoToolchain? toolchain = null, GoProject? project = null, PiBuildPaths? paths = null) =>
        new(paths ?? new PiBuildPaths("/home/u/.cache/pibuild", "/home/u/.config/pibuild"), targets, project ?? Module, toolchain ?? Go("go1.19.8"),
            targets.Where(t => t.Cgo).ToDictionary(t => t.Name, t => CgoToolchain.For(t, sysroot: null)));
}
