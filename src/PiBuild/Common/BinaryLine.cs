using PiBuild.Core.Binaries;

namespace PiBuild.Cli.Common;

/// <summary>The one line a verified binary gets: board, path, size, what it was built for, and the verdict.</summary>
internal static class BinaryLine
{
    public static string Format(string target, BinaryCheck binary)
    {
        var arch = binary.GoArm is { } goarm ? $"GOARM={goarm}"
            : binary.BuildInfo?.Setting("GOARM64") is { } goarm64 ? $"GOARM64={goarm64}"
            : $"{binary.BuildInfo?.Setting("GOOS")}/{binary.BuildInfo?.Setting("GOARCH")}";
        return $"{target,-6} {CliContext.Display(binary.Path),-32} {ByteSize.Format(binary.Size),9}  {arch}  {(binary.Passed ? "verified" : "REJECTED")}";
    }
}
