using System.CommandLine;
using PiBuild.Cli.Common;
using PiBuild.Core;
using PiBuild.Core.Fetching;
using PiBuild.Core.Pipelines;

namespace PiBuild.Cli.Fetch;

/// <summary>
/// <c>pibuild fetch URL [--sha256 HEX | --index URL] [--extract DIR] [--strip-components N] [--insecure]</c>:
/// download into the cache (resumable, verified, content-addressed) and optionally unpack safely.
/// </summary>
internal static class FetchCommand
{
    private static readonly Argument<string> Source = new("URL") { Description = "https://, http://, file:// or a path" };

    private static readonly Option<string?> Sha256 = new("--sha256") { Description = "The expected SHA-256", HelpName = "HEX" };

    private static readonly Option<string?> Index = new("--index")
    {
        Description = $"Take the checksum from Go's download index ({FetchRequest.GoIndex})",
        HelpName = "URL",
    };

    private static readonly Option<string?> Extract = new("--extract", "-x") { Description = "Unpack into this directory", HelpName = "DIR" };

    private static readonly Option<int> Strip = new("--strip-components")
    {
        Description = "Drop this many leading path components of every entry",
        HelpName = "N",
    };

    private static readonly Option<bool> Insecure = new("--insecure")
    {
        Description = "Accept a remote file whose checksum is not known (its SHA-256 is printed, to pin it)",
    };

    private static readonly Option<double?> Timeout = new("--timeout")
    {
        Description = "How long to wait for a server that sends nothing, each of the 4 attempts (default: $PIBUILD_IDLE_TIMEOUT, else 20)",
        HelpName = "SECONDS",
    };

    public static Command Create()
    {
        var command = new Command("fetch", "Download into the cache with resume and checksum, and unpack safely")
        {
            Source, Sha256, Index, Extract, Strip, Insecure, Timeout,
        };
        command.SetHandler(async (context, parseResult, cancellationToken) =>
        {
            var request = new FetchRequest(parseResult.GetRequiredValue(Source), parseResult.GetValue(Sha256), parseResult.GetValue(Index),
                parseResult.GetValue(Insecure), parseResult.GetValue(Extract), parseResult.GetValue(Strip),
                parseResult.GetValue(Timeout) is { } seconds ? TimeSpan.FromSeconds(Math.Min(seconds, 86_400)) : null);
            var outcome = await context.Workspace.FetchAsync(request, cancellationToken).ConfigureAwait(false);
            context.Events.FinishProgress();
            Render(context, outcome);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Render(CliContext context, FetchOutcome outcome)
    {
        var fetched = outcome;
        if (context.Json)
        {
            JsonOutput.Write(context.Out, new FetchResultJson(
                fetched.Name, fetched.Path, fetched.Sha256, fetched.Size, fetched.Origin, fetched.Verification,
                fetched.ExtractedTo is null ? null : new ExtractResultJson(fetched.ExtractedTo, fetched.Format!, fetched.Entries, fetched.Bytes)),
                JsonOutput.Default.FetchResultJson);
            return;
        }

        var how = fetched.FromStore ? "from the cache" : fetched.Verification;
        context.Print($"{fetched.Name}  {ByteSize.Format(fetched.Size)}  sha256 {fetched.Sha256}  ({how})");
        if (fetched.Unverified)
        {
            // Shown even with --quiet: it is what the user needs to pin the download next time.
            context.Error.WriteLine($"pibuild: {fetched.Name} was not verified; pin it with --sha256 {fetched.Sha256}");
        }

        context.Print(fetched.ExtractedTo is null
            ? $"stored at {fetched.Path}"
            : $"extracted {fetched.Entries} entries ({ByteSize.Format(fetched.Bytes)}) into {CliContext.Display(fetched.ExtractedTo)}");
    }
}
