using PiBuild.Core.Binaries;
using PiBuild.Core.Fetching;
using PiBuild.Core.FileSystem;
using PiBuild.Core.Images;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Pipelines;

/// <summary>What <c>pibuild verify</c> was asked for: one board, and the files to check against it.</summary>
/// <param name="Static">Demand statically linked binaries (as pibuild builds without cgo); otherwise a dynamic one is
/// judged by its loader, its linked code's architecture and its Go build info, and what it needs is reported.</param>
/// <param name="GoOnly">Demand Go programs (Go build info); otherwise an ELF file that is not one is judged on its code
/// alone (class, machine, ABI, loader, Tag_CPU_arch), in a file as in an image.</param>
public sealed record VerifyRequest(IReadOnlyList<string> Targets, IReadOnlyList<string> Files, bool Static = false, bool GoOnly = false);

/// <summary>Every file's check; the command succeeds when all passed.</summary>
/// <param name="ImageProblems">For an image: each file that will not run, in a sentence naming its entry and the board.</param>
/// <param name="Notes">What is worth saying beside the checks (an image's skipped entries, an entry without ELF files).</param>
public sealed record VerifyReport(TargetProfile Target, IReadOnlyList<BinaryCheck> Checks, IReadOnlyList<string>? ImageProblems = null, IReadOnlyList<string>? Notes = null)
{
    public bool Passed => Checks.All(c => c.Passed);
}

/// <summary><c>pibuild verify</c>: the proof cross runs on every binary, for any file.</summary>
internal static class VerifyPipeline
{
    public static async Task<VerifyReport> RunAsync(Workspace workspace, VerifyRequest request, CancellationToken cancellationToken)
    {
        var target = TargetSelection.Named(workspace.Catalog(), request.Targets, "verify");
        if (request.Files.Any(ImageSource.IsImage))
        {
            return await VerifyImagesAsync(workspace, target, request.Files, VerificationRules.InImage with { RequireGoProgram = request.GoOnly }, cancellationToken).ConfigureAwait(false);
        }

        var missing = request.Files.FirstOrDefault(f => !File.Exists(f));
        if (missing is not null)
        {
            throw new ConfigurationException(Directory.Exists(missing)
                ? $"{missing} is a directory; verify checks files (name them: {missing.TrimEnd('/')}/*) or images (docker://REF, oci:DIR)"
                : $"{missing}: no such file");
        }

        // Most binaries in the world are dynamically linked; verify judges any of them, and demands static only when asked.
        var rules = VerificationRules.Exact with { RequireStatic = request.Static, RequireGoProgram = request.GoOnly };
        return new VerifyReport(target, request.Files.Select(f => BinaryVerifier.Check(Path.GetFullPath(f), target, rules: rules)).ToArray());
    }

    /// <summary>Images (docker://REF, oci:DIR[:TAG]): every Pi entry's ELF files, for its platform and for the board.</summary>
    private static async Task<VerifyReport> VerifyImagesAsync(Workspace workspace, TargetProfile target, IReadOnlyList<string> images, VerificationRules rules, CancellationToken cancellationToken)
    {
        if (images.FirstOrDefault(f => !ImageSource.IsImage(f)) is { } file)
        {
            throw new ConfigurationException($"verify checks files or images, one kind at a time: {file} is a file among images; verify it separately");
        }

        using var scratch = StagingDirectory.Create(Path.Combine(workspace.Paths.CacheDirectory, "images", "verify"));
        using var fetcher = Fetcher.For(workspace.Paths, workspace.GetVariable);
        var checks = new List<ImageFileCheck>();
        var notes = new List<string>();
        foreach (var image in images)
        {
            using var source = ImageSource.Open(image, fetcher, workspace.GetVariable);
            var verification = await ImageVerifier.VerifyAsync(source, target, workspace.Catalog(), scratch.Path, rules, cancellationToken).ConfigureAwait(false);
            checks.AddRange(verification.Checks);
            notes.AddRange(verification.Notes);
        }

        return new VerifyReport(target, checks.Select(c => c.Check).ToArray(), checks.Select(c => c.Problem).OfType<string>().Distinct().ToArray(), notes);
    }
}
