using System.CommandLine;
using System.Globalization;
using PiBuild.Cli.Common;
using PiBuild.Core;
using PiBuild.Core.Go;

namespace PiBuild.Cli.Toolchains;

/// <summary><c>pibuild toolchains [--json]</c> and <c>pibuild toolchains prune [--keep N] [--json]</c>.</summary>
internal static class ToolchainsCommand
{
    private static readonly Option<int> Keep = new("--keep")
    {
        Description = "How many of the most recently used releases to keep",
        HelpName = "N",
        DefaultValueFactory = _ => 2,
    };

    public static Command Create()
    {
        var prune = new Command("prune", "Remove the Go releases not used lately, keeping the N most recently used") { Keep };
        prune.SetHandler((context, parseResult, _) =>
        {
            Render(context, context.Workspace.PruneToolchains(parseResult.GetValue(Keep)), "removed");
            return Task.FromResult(ExitCodes.Ok);
        });

        var list = new Command("toolchains", "List the Go releases pibuild fetched into its cache: version, size, last used") { prune };
        list.SetHandler((context, _, _) =>
        {
            Render(context, context.Workspace.Toolchains(), verb: null);
            return Task.FromResult(ExitCodes.Ok);
        });
        return list;
    }

    /// <param name="verb">"removed" for prune; null for the list.</param>
    private static void Render(CliContext context, IReadOnlyList<CachedToolchain> toolchains, string? verb)
    {
        if (context.Json)
        {
            var listed = toolchains.Select(t => new ToolchainJson(t.Version, t.Directory, t.Bytes, t.LastUsedUtc.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture))).ToArray();
            if (verb is null)
            {
                JsonOutput.Write(context.Out, new ToolchainsJson(listed), JsonOutput.Default.ToolchainsJson);
            }
            else
            {
                JsonOutput.Write(context.Out, new RemovedToolchainsJson(listed), JsonOutput.Default.RemovedToolchainsJson);
            }

            return;
        }

        if (toolchains.Count == 0)
        {
            context.Print(verb is null ? "no Go release fetched yet (pibuild fetches one when --go or a go.mod asks for it)" : "nothing to remove");
            return;
        }

        foreach (var t in toolchains)
        {
            context.Print($"{(verb is null ? "" : verb + " ")}{t.Version,-12} {ByteSize.Format(t.Bytes),9}  last used {t.LastUsedUtc.ToLocalTime():yyyy-MM-dd HH:mm}  {CliContext.Display(t.Directory)}");
        }
    }
}
