namespace PiBuild.Core;

/// <summary>A place in a configuration file, printed the way compilers do: <c>FILE:LINE:COL</c>.</summary>
internal readonly record struct SourceLocation(string File, int Line, int Column)
{
    public static SourceLocation StartOf(string file) => new(file, 1, 1);

    public override string ToString() => $"{File}:{Line}:{Column}";
}
