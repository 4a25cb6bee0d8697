using PiBuild.Core.Binaries;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Pipelines;

/// <summary>What <c>pibuild verify</c> was asked for: one board, and the files to check against it.</summary>
/// <param name="Static">Demand statically linked binaries (as pibuild builds without cgo); otherwise a dynamic one is
/// judged by its loader, its linked code's architecture and its Go build info, and what it needs is reported.</param>
public sealed record VerifyRequest(IReadOnlyList<string> Targets, IReadOnlyList<string> Files, bool Static = false);

/// <summary>Every file's check; the command succeeds when all passed.</summary>
public sealed record VerifyReport(TargetProfile Target, IReadOnlyList<BinaryCheck> Checks)
{
    public bool Passed => Checks.All(c => c.Passed);
}

/// <summary><c>pibuild verify</c>: the proof cross runs on every binary, for any file.</summary>
internal static class VerifyPipeline
{
    public static VerifyReport Run(Workspace workspace, VerifyRequest request)
    {
        var target = TargetSelection.Named(workspace.Catalog(), request.Targets, "verify");
        var missing = request.Files.FirstOrDefault(f => !File.Exists(f));
        if (missing is not null)
        {
            throw new ConfigurationException($"{missing}: no such file");
        }

        // Most binaries in the world are dynamically linked; verify judges any of them, and demands static only when asked.
        var rules = VerificationRules.Exact with { RequireStatic = request.Static };
        return new VerifyReport(target, request.Files.Select(f => BinaryVerifier.Check(Path.GetFullPath(f), target, rules: rules)).ToArray());
    }
}
