using PiBuild.Core;

namespace PiBuild.Tests.Cli;

/// <summary>Core shows the CLI what it needs (Workspace and its commands, requests, results, events) and nothing more.</summary>
public sealed class PublicSurfaceSpecs
{
    [Fact]
    public void Core_exports_at_most_60_types_and_interop_none()
    {
        // 60 after the second consolidation; images and fleets took it to 68; the third brought it back: a cross build's
        // boards are verify reports, a sysroot copy and a bootstrap estimate are fields of their results, a tested
        // package says failed or not (no PackageOutcome beside PackageResult), a struct's shapes are lists like a field
        // order's, Go versions and the work-failed exception are Core's own.
        var exported = typeof(Workspace).Assembly.GetExportedTypes();
        Assert.InRange(exported.Length, 1, 60);
        Assert.Contains(typeof(IPipelineEvents), exported);
        Assert.Empty(typeof(PiBuild.Interop.Libc).Assembly.GetExportedTypes());
    }

    [Fact]
    public void No_board_fact_or_native_call_is_public()
    {
        var names = typeof(Workspace).Assembly.GetExportedTypes().Select(t => t.Name).ToHashSet();
        foreach (var internalOnly in new[] { "BoardAbi", "ArchLevel", "GoArchitecture", "ElfFile", "GoBuildInfo", "BuildSession", "CgoToolchain", "ProfileKeys", "GoVersion", "WorkFailedException", "TargetBuildResult" })
        {
            Assert.DoesNotContain(internalOnly, names);
        }
    }
}
