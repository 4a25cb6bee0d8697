namespace PiBuild.Core.Layout;

// What the layout analyzer (Analyzer/main.go) prints. Property names are its JSON names under the snake_case policy.

internal sealed record AnalyzerOutput(IReadOnlyList<AnalyzedTarget> Targets, IReadOnlyList<AnalyzedReorder> Reorders);

internal sealed record AnalyzedTarget(
    string Goarch, int Packages, IReadOnlyList<AnalyzedStruct> Structs, int Atomics, IReadOnlyList<AnalyzedAtomic> Misaligned, IReadOnlyList<string> Errors);

internal sealed record AnalyzedStruct(string Key, string Name, string Position, long Size, long Align, long Padding);

internal sealed record AnalyzedAtomic(string Position, string Function, string Path, long Offset, long Stride, string Fix);

/// <summary>A field order for the struct <paramref name="Key"/>, and its size on each target, in the analyzer's target order.</summary>
internal sealed record AnalyzedReorder(string Key, IReadOnlyList<string> Fields, IReadOnlyList<long> Sizes);
