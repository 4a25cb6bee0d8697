using System.CommandLine;
using PiBuild.Cli.Common;
using PiBuild.Core;
using PiBuild.Core.Layout;
using PiBuild.Core.Pipelines;

namespace PiBuild.Cli.Layout;

/// <summary>
/// <c>pibuild layout [--target pi1,pi4] [--reorder] [PACKAGES...]</c>: struct sizes that differ between the boards and
/// 64-bit atomics that are misaligned on 32-bit ones, found by the type checker before anything runs.
/// </summary>
internal static class LayoutCommand
{
    private static readonly Option<bool> Reorder = new("--reorder")
    {
        Description = "Also suggest, for structs that waste 8 bytes or more, the field order with the least padding",
    };

    private static readonly Argument<string[]> Packages = new("PACKAGES")
    {
        Description = "Packages to check, with their tests (default: all of the project's)",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public static Command Create()
    {
        var command = new Command("layout", "Report struct sizes that differ between boards and misaligned 64-bit atomics (exit 1 when one is found)")
        {
            SharedOptions.Target, SharedOptions.Go, SharedOptions.GoIndex, Reorder, Packages,
        };
        command.SetHandler(async (context, parseResult, cancellationToken) =>
        {
            var request = new LayoutRequest(parseResult.GetValue(SharedOptions.Target) ?? [], parseResult.GetValue(Packages) ?? []);
            var report = await context.Workspace.LayoutAsync(request, cancellationToken).ConfigureAwait(false);
            Render(context, report, parseResult.GetValue(Reorder));
            return report.Passed ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return command;
    }

    private static void Render(CliContext context, LayoutReport report, bool reorder)
    {
        if (context.Json)
        {
            JsonOutput.Write(context.Out, ToJson(report, reorder), JsonOutput.Default.LayoutJson);
            return;
        }

        var groups = report.Groups;
        context.Print($"layout of {report.Project} ({Count(report.Packages, "package")}, {report.GoVersion}): "
            + string.Join("; ", groups.Select(g => $"linux/{g.GoArch} {string.Join(", ", g.Boards)}")));

        var differences = report.Differences;
        if (differences.Count > 0)
        {
            context.Print("");
            context.Print("struct sizes that differ between the boards:");
            var width = differences.Max(d => d.Name.Length);
            foreach (var difference in differences)
            {
                var sizes = groups.Select((g, i) => $"{Label(g)}: {difference.Sizes[i]} B ({difference.Paddings[i]} padding)");
                context.Print($"  {difference.Name.PadRight(width)}  {string.Join("  ", sizes)}  {difference.Position}");
            }
        }

        if (report.Misaligned.Count > 0)
        {
            context.PrintImportant("");
            context.PrintImportant("misaligned 64-bit atomics (these panic with \"unaligned 64-bit atomic operation\"):");
            foreach (var atomic in report.Misaligned)
            {
                var offset = atomic.Stride == 0 ? $"offset {atomic.Offset}" : $"offset {atomic.Offset} + {atomic.Stride}×i";
                context.PrintImportant($"  {atomic.Position}: {atomic.Function}(&{atomic.Path}) at {offset}, not 8-byte aligned on {string.Join(", ", atomic.Boards)}");
                context.PrintImportant($"    fix: {atomic.Fix}");
            }
        }

        if (reorder && report.Reorders.Count > 0)
        {
            context.Print("");
            context.Print("field orders with less padding:");
            foreach (var order in report.Reorders)
            {
                var sizes = groups.Select((g, i) => $"{Label(g)}: {order.SizesBefore[i]} → {order.SizesAfter[i]} B");
                context.Print($"  {order.Name} {{{string.Join(", ", order.Fields)}}}  {string.Join("  ", sizes)}  {order.Position}");
            }
        }

        var summary = $"{Count(report.Misaligned.Count, "misaligned 64-bit atomic")} among {Count(report.AtomicCalls, "call")} on fields; {differences.Count} of {Count(report.Structs.Count, "struct")} {(differences.Count == 1 ? "differs" : "differ")} in size";
        if (reorder)
        {
            summary += $"; {report.Reorders.Count} could be smaller";
        }

        context.Print("");
        (report.Passed ? (Action<string>)context.Print : context.PrintImportant)(summary);
    }

    private static string Count(int n, string what) => n == 1 ? $"1 {what}" : $"{n} {what}s";

    /// <summary>A group as a column label: its boards, or its architecture when it stands for many.</summary>
    private static string Label(BoardGroup group) => group.Boards.Count <= 3 ? group.Label : $"{group.GoArch} ({group.Boards.Count} boards)";

    private static LayoutJson ToJson(LayoutReport report, bool reorder)
    {
        Dictionary<string, T> PerBoard<T>(IReadOnlyList<T> perGroup) =>
            report.Groups.SelectMany((g, i) => g.Boards.Select(board => (board, value: perGroup[i]))).ToDictionary(x => x.board, x => x.value, StringComparer.Ordinal);

        return new LayoutJson(
            report.ProjectRoot,
            report.GoVersion,
            report.Groups.Select(g => new LayoutGroupJson(g.GoArch, g.Boards)).ToArray(),
            report.Packages,
            report.AtomicCalls,
            report.Passed,
            report.Structs.Select(d => new StructLayoutJson(d.Name, d.Position, d.DiffersBetweenBoards, PerBoard(d.Sizes.Select((size, i) => new StructShapeJson(size, d.Aligns[i], d.Paddings[i])).ToArray()))).ToArray(),
            report.Misaligned.Select(m => new MisalignedAtomicJson(m.Position, m.Function, m.Path, m.Offset, m.Stride, m.Boards, m.Fix)).ToArray(),
            reorder
                ? report.Reorders.Select(r => new FieldOrderJson(r.Name, r.Position, r.Fields, PerBoard(r.SizesBefore), PerBoard(r.SizesAfter))).ToArray()
                : []);
    }
}
