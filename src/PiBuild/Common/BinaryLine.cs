using PiBuild.Core.Binaries;

namespace PiBuild.Cli.Common;

/// <summary>The one line a verified binary gets: board, path, size, what it was built for, and the verdict.</summary>
internal static class BinaryLine
{
    public static string Format(string target, BinaryCheck binary)
    {
        return $"{target,-6} {CliContext.Display(binary.Path),-32} {ByteSize.Format(binary.Size),9}  {binary.BuiltFor}  {(binary.Passed ? "verified" : "REJECTED")}";
    }
}
