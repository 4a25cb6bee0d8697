using PiBuild.Core;

namespace PiBuild.Tests.Cli;

/// <summary>Core shows the CLI what it needs (Workspace and its commands, requests, results, events) and nothing more.</summary>
public sealed class PublicSurfaceSpecs
{
    [Fact]
    public void Core_exports_at_most_67_types_and_interop_none()
    {
        // 60 after the consolidation; then a request and two results for pibuild image, and a fleet's results (a
        // rollout, its devices and their states, detect's devices); 67 since deploy to one device is a fleet of one (no DeployOutcome).
        var exported = typeof(Workspace).Assembly.GetExportedTypes();
        Assert.InRange(exported.Length, 1, 67);
        Assert.Contains(typeof(IPipelineEvents), exported);
        Assert.Empty(typeof(PiBuild.Interop.Libc).Assembly.GetExportedTypes());
    }

    [Fact]
    public void No_board_fact_or_native_call_is_public()
    {
        var names = typeof(Workspace).Assembly.GetExportedTypes().Select(t => t.Name).ToHashSet();
        foreach (var internalOnly in new[] { "BoardAbi", "ArchLevel", "GoArchitecture", "ElfFile", "GoBuildInfo", "BuildSession", "CgoToolchain", "ProfileKeys" })
        {
            Assert.DoesNotContain(internalOnly, names);
        }
    }
}
