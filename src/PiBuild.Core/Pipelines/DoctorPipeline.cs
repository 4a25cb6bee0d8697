using PiBuild.Core.Setup;

namespace PiBuild.Core.Pipelines;

/// <summary>What <c>pibuild doctor</c> found: each check, and whether pibuild can do its main job here.</summary>
public sealed record DoctorReport(IReadOnlyList<SetupCheck> Checks)
{
    public bool Ready => !Checks.Any(c => c.Blocks);
}

/// <summary><c>pibuild doctor</c>: what this machine has, what is missing, and the command that fixes each.</summary>
internal static class DoctorPipeline
{
    public static async Task<DoctorReport> RunAsync(Workspace workspace, CancellationToken cancellationToken)
    {
        return new DoctorReport(await new SetupInspector(workspace).InspectAsync(workspace.Catalog(), cancellationToken).ConfigureAwait(false));
    }
}
