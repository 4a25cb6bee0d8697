namespace PiBuild.Cli.Layout;

public sealed record LayoutGroupJson(string Goarch, IReadOnlyList<string> Boards);

public sealed record StructShapeJson(long Size, long Align, long Padding);

public sealed record StructLayoutJson(string Name, string Position, bool DiffersBetweenBoards, IReadOnlyDictionary<string, StructShapeJson> Boards);

public sealed record MisalignedAtomicJson(string Position, string Function, string Path, long Offset, long Stride, IReadOnlyList<string> Boards, string Fix);

public sealed record FieldOrderJson(string Name, string Position, IReadOnlyList<string> Fields, IReadOnlyDictionary<string, long> SizeBefore, IReadOnlyDictionary<string, long> SizeAfter);

public sealed record LayoutJson(
    string Project,
    string GoVersion,
    IReadOnlyList<LayoutGroupJson> Architectures,
    int Packages,
    int AtomicCalls,
    bool Passed,
    IReadOnlyList<StructLayoutJson> Structs,
    IReadOnlyList<MisalignedAtomicJson> MisalignedAtomics,
    IReadOnlyList<FieldOrderJson> Reorders);
