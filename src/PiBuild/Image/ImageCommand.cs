using System.CommandLine;
using PiBuild.Cli.Common;
using PiBuild.Core;
using PiBuild.Core.Pipelines;

namespace PiBuild.Cli.Image;

/// <summary>
/// <c>pibuild image [--target …] --tag REGISTRY/REPO:TAG [--push] [-o DIR]</c>: one OCI image index for the boards,
/// every platform entry built for its lowest board and verified for all of them, pushed or written as a layout.
/// </summary>
internal static class ImageCommand
{
    private static readonly Option<string?> Tag = new("--tag")
    {
        Description = "The image reference: REGISTRY/REPOSITORY:TAG (e.g. 127.0.0.1:5000/sensors:1.2.3, ghcr.io/jane/sensors:latest); for -o alone, the project's name and latest",
        HelpName = "REF",
    };

    private static readonly Option<bool> Push = new("--push")
    {
        Description = "Push to the registry the tag names (credentials: ~/.docker/config.json, or PIBUILD_REGISTRY_AUTH=USER:PASSWORD)",
    };

    private static readonly Option<string?> Output = new("--output", "-o")
    {
        Description = "Write an OCI image layout to DIR (skopeo, podman and umoci read it as oci:DIR:TAG)",
        HelpName = "DIR",
    };

    private static readonly Argument<string[]> GoBuildFlags = new("GO_BUILD_FLAGS")
    {
        Description = "After --, go build's flags (-gcflags …); images are built as releases: paths trimmed, symbols stripped",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public static Command Create()
    {
        var command = new Command("image", "Build a container image for the boards: one OCI index, an entry per platform (arm/v6, arm/v7, arm64), each verified for its boards")
        {
            SharedOptions.Target, SharedOptions.Go, SharedOptions.GoIndex, SharedOptions.Tags, SharedOptions.LdFlags, Tag, Push, Output, GoBuildFlags,
        };
        command.SetHandler(async (context, parseResult, cancellationToken) =>
        {
            var request = new ImageRequest(
                parseResult.GetValue(SharedOptions.Target) ?? [], parseResult.GetValue(Tag), parseResult.GetValue(Push), parseResult.GetValue(Output),
                SharedOptions.GoFlags(parseResult, parseResult.GetValue(GoBuildFlags) ?? []));
            Render(context, await context.Workspace.ImageAsync(request, cancellationToken).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Render(CliContext context, ImageOutcome outcome)
    {
        if (context.Json)
        {
            JsonOutput.Write(context.Out, new ImageJson(
                outcome.Reference, outcome.IndexDigest, outcome.Entrypoint,
                outcome.Platforms.Select(p => new ImagePlatformJson(p.Platform, p.ManifestDigest, p.Boards, p.Commands.Select(b => BinaryJson.From(p.Boards[0], b)).ToArray())).ToArray(),
                outcome.Layout, outcome.Pushed, outcome.BlobsSent, outcome.BlobsPresent), JsonOutput.Default.ImageJson);
            return;
        }

        foreach (var platform in outcome.Platforms)
        {
            context.Print($"{platform.Platform,-14} {string.Join(",", platform.Boards),-24} {string.Join(", ", platform.Commands.Select(c => $"{Path.GetFileName(c.Path)} {c.BuiltFor}"))}  verified  {platform.ManifestDigest[..19]}…");
        }

        var where = string.Join(" and ", new[]
        {
            outcome.Pushed ? $"pushed ({outcome.BlobsSent} blob(s) sent, {outcome.BlobsPresent} already there)" : null,
            outcome.Layout is { } layout ? $"written to {CliContext.Display(layout)} (oci:{CliContext.Display(layout)}:{outcome.Reference.Split(':')[^1]})" : null,
        }.OfType<string>());
        context.PrintImportant($"{outcome.Reference}@{outcome.IndexDigest}: runs {outcome.Entrypoint}; {where}");
    }
}
