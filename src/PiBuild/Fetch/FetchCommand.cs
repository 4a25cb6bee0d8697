using System.CommandLine;
using PiBuild.Cli.Common;
using PiBuild.Core;
using PiBuild.Core.Archives;
using PiBuild.Core.Fetching;

namespace PiBuild.Cli.Fetch;

/// <summary>What <c>pibuild fetch</c> was asked for.</summary>
internal sealed record FetchCommandRequest(FetchRequest Fetch, string? ExtractTo, int StripComponents);

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
        Description = $"Take the checksum from Go's download index ({GoDownloadIndex.DefaultUrl})",
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

    public static Command Create()
    {
        var command = new Command("fetch", "Download into the cache with resume and checksum, and unpack safely")
        {
            Source, Sha256, Index, Extract, Strip, Insecure,
        };
        command.SetHandler((context, parseResult, cancellationToken) =>
        {
            var strip = parseResult.GetValue(Strip);
            if (strip < 0)
            {
                throw new ConfigurationException("--strip-components must be 0 or more");
            }

            var request = new FetchRequest(parseResult.GetRequiredValue(Source), parseResult.GetValue(Sha256), parseResult.GetValue(Index), parseResult.GetValue(Insecure));
            return RunAsync(context, new FetchCommandRequest(request, parseResult.GetValue(Extract), strip), cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, FetchCommandRequest request, CancellationToken cancellationToken)
    {
        using var http = Fetcher.CreateHttpClient();
        var fetcher = new Fetcher(http, DownloadStore.For(context.Paths), RetryPolicy.Default);
        using var progress = context.Quiet || context.Json ? null : new ProgressReporter(context.Error);
        FetchResult fetched;
        ExtractResult? extracted = null;
        if (request.ExtractTo is { } destination)
        {
            (fetched, extracted) = await fetcher.FetchAndExtractAsync(request.Fetch, destination, request.StripComponents, progress, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            fetched = await fetcher.FetchAsync(request.Fetch, progress, cancellationToken).ConfigureAwait(false);
        }

        progress?.Finish();
        if (context.Json)
        {
            JsonOutput.Write(context.Out, new FetchResultJson(
                fetched.Name, fetched.Path, fetched.Sha256, fetched.Size, fetched.Origin.ToString().ToLowerInvariant(), fetched.Verification,
                extracted is null ? null : new ExtractResultJson(extracted.Destination, extracted.Format.ToString().ToLowerInvariant(), extracted.Entries, extracted.Bytes)),
                JsonOutput.Default.FetchResultJson);
            return ExitCodes.Ok;
        }

        var how = fetched.Origin == FetchOrigin.Store ? "from the cache" : fetched.Verification;
        context.Say($"{fetched.Name}  {ByteSize.Format(fetched.Size)}  sha256 {fetched.Sha256}  ({how})");
        if (fetched.Verification == Fetcher.InsecureVerification)
        {
            // Shown even with --quiet: it is what the user needs to pin the download next time.
            await context.Error.WriteLineAsync($"pibuild: {fetched.Name} was not verified; pin it with --sha256 {fetched.Sha256}").ConfigureAwait(false);
        }

        context.Say(extracted is null
            ? $"stored at {fetched.Path}"
            : $"extracted {extracted.Entries} entries ({ByteSize.Format(extracted.Bytes)}) into {CliContext.Display(extracted.Destination)}");
        return ExitCodes.Ok;
    }
}
