namespace PiBuild.Core.Layout;

/// <summary>A struct type of the project: its size, alignment and padding bytes, one of each per board group.</summary>
public sealed record StructLayout(string Name, string Position, IReadOnlyList<long> Sizes, IReadOnlyList<long> Aligns, IReadOnlyList<long> Paddings)
{
    public bool DiffersBetweenBoards => Sizes.Distinct().Count() > 1;
}

/// <summary>
/// A 64-bit sync/atomic call on a field (or element) that is not 8-byte aligned on some boards: it panics there with
/// "unaligned 64-bit atomic operation". A non-zero <paramref name="Stride"/> is what a variable index adds per step.
/// </summary>
public sealed record MisalignedAtomic(string Position, string Function, string Path, long Offset, long Stride, string Fix, IReadOnlyList<string> Boards);

/// <summary>A field order with less padding, and the struct's size before and after on each board group.</summary>
public sealed record FieldOrder(string Name, string Position, IReadOnlyList<string> Fields, IReadOnlyList<long> SizesBefore, IReadOnlyList<long> SizesAfter);

/// <summary>What <c>pibuild layout</c> found; it passes when no 64-bit atomic is misaligned on any selected board.</summary>
/// <param name="Project">The module path, else the project's name.</param>
public sealed record LayoutReport(
    string Project,
    string ProjectRoot,
    string GoVersion,
    IReadOnlyList<BoardGroup> Groups,
    int Packages,
    int AtomicCalls,
    IReadOnlyList<StructLayout> Structs,
    IReadOnlyList<MisalignedAtomic> Misaligned,
    IReadOnlyList<FieldOrder> Reorders)
{
    public bool Passed => Misaligned.Count == 0;

    /// <summary>The struct types whose size differs between the selected boards.</summary>
    public IReadOnlyList<StructLayout> Differences => Structs.Where(s => s.DiffersBetweenBoards).ToArray();

    /// <summary>
    /// Puts the analyzer's per-GOARCH results side by side. Errors (a package that does not type-check for a board)
    /// fail the command: a layout of code the compiler rejects would be a guess.
    /// </summary>
    internal static LayoutReport Compose(LayoutPlan plan, AnalyzerOutput output)
    {
        if (output.Targets.Count != plan.Groups.Count)
        {
            throw new WorkFailedException($"the layout analyzer answered for {output.Targets.Count} architectures, not {plan.Groups.Count}; remove {plan.AnalyzerDirectory} and run again");
        }

        var root = plan.Project.Root;
        var failed = plan.Groups.Zip(output.Targets).FirstOrDefault(pair => pair.Second.Errors.Count > 0);
        if (failed != default)
        {
            var (group, target) = failed;
            var more = target.Errors.Count > 1 ? $" ({target.Errors.Count - 1} more above)" : "";
            throw new WorkFailedException($"layout for {group.Label} (linux/{group.GoArch}): {Relative(target.Errors[0].Split('\n')[0], root)}{more}; fix it, or name the packages to check")
            {
                Details = target.Errors.Count > 1 ? string.Join('\n', target.Errors.Select(e => Relative(e, root))) : null,
            };
        }

        var structs = output.Targets.Select(t => t.Structs.ToDictionary(s => s.Key, StringComparer.Ordinal)).ToArray();
        var first = output.Targets[0].Structs;
        var layouts = first
            .Where(s => structs.All(byKey => byKey.ContainsKey(s.Key)))
            .Select(s =>
            {
                var perGroup = structs.Select(byKey => byKey[s.Key]).ToArray();
                return new StructLayout(s.Name, Relative(s.Position, root), [.. perGroup.Select(v => v.Size)], [.. perGroup.Select(v => v.Align)], [.. perGroup.Select(v => v.Padding)]);
            })
            .ToArray();

        var misaligned = plan.Groups.Zip(output.Targets)
            .SelectMany(pair => pair.Second.Misaligned.Select(m => (m, group: pair.First)))
            .GroupBy(x => (x.m.Position, x.m.Path))
            .Select(g =>
            {
                var m = g.First().m;
                return new MisalignedAtomic(Relative(m.Position, root), m.Function, m.Path, m.Offset, m.Stride, m.Fix, g.SelectMany(x => x.group.Boards).ToArray());
            })
            .ToArray();

        var firstByKey = structs[0];
        var reorders = output.Reorders
            .Where(r => firstByKey.ContainsKey(r.Key) && r.Sizes.Count == plan.Groups.Count)
            .Select(r => new FieldOrder(
                firstByKey[r.Key].Name, Relative(firstByKey[r.Key].Position, root), r.Fields, structs.Select(byKey => byKey[r.Key].Size).ToArray(), r.Sizes))
            .ToArray();

        return new LayoutReport(
            plan.Project.ModulePath ?? plan.Project.Name, plan.Project.Root, plan.Toolchain.Version.Text, plan.Groups, output.Targets.Max(t => t.Packages), output.Targets.Max(t => t.Atomics), layouts, misaligned, reorders);
    }

    /// <summary>A <c>file:line:col</c> (or a message starting with one) with the file relative to the project.</summary>
    internal static string Relative(string located, string root)
    {
        var prefix = root.EndsWith('/') ? root : root + "/";
        return located.StartsWith(prefix, StringComparison.Ordinal) ? located[prefix.Length..] : located;
    }
}
