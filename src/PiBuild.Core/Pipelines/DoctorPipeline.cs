using PiBuild.Core.Setup;

namespace PiBuild.Core.Pipelines;

/// <summary>What <c>pibuild doctor</c> found: each check, and whether pibuild can do its main job here.</summary>
public sealed record DoctorReport(IReadOnlyList<SetupCheck> Checks)
{
    public bool Ready => !Checks.Any(c => c.Blocks);
}

/// <summary><c>pibuild doctor</c>: what this machine has, what is missing, and the command that fixes each.</summary>
public static class DoctorPipeline
{
    public static async Task<DoctorReport> RunAsync(Workspace workspace, CancellationToken cancellationToken)
    {
        var inspector = new SetupInspector(workspace.Runner, workspace.Paths, workspace.GetVariable);
        return new DoctorReport(await inspector.InspectAsync(workspace.Catalog(), workspace.GoChoice, cancellationToken).ConfigureAwait(false));
    }
}
