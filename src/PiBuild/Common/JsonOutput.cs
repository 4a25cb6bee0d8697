using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using PiBuild.Core.Binaries;
using PiBuild.Core.Json;

namespace PiBuild.Cli.Common;

public sealed record BinaryJson(
    string Target,
    string Path,
    long Size,
    string? GoVersion,
    string? Goos,
    string? Goarch,
    string? Goarm,
    bool Verified,
    IReadOnlyList<string> Problems)
{
    public static BinaryJson From(string target, BinaryCheck check) => new(
        target, check.Path, check.Size, check.GoVersion, check.GoOs, check.GoArch, check.GoArm, check.Passed, check.Problems);
}

public sealed record BuildResultJson(string Project, string GoVersion, IReadOnlyList<BinaryJson> Binaries);

public sealed record VerifyResultJson(IReadOnlyList<BinaryJson> Binaries);

public sealed record DoctorCheckJson(string Name, string Status, string Detail, string? Fix, bool Required);

public sealed record DoctorJson(bool Ready, IReadOnlyList<DoctorCheckJson> Checks);

public sealed record ExtractResultJson(string Destination, string Format, int Entries, long Bytes);

public sealed record FetchResultJson(string Name, string Path, string Sha256, long Size, string Origin, string Verification, ExtractResultJson? Extracted);

public sealed record TestPackageJson(string Package, string Outcome, double Seconds, bool BuildFailed);

public sealed record FailedTestJson(string Package, string Test, string Output);

public sealed record TestReportJson(string Target, IReadOnlyList<TestPackageJson> Packages, int Passed, int Failed, int Skipped, IReadOnlyList<FailedTestJson> FailedTests, string BuildOutput, bool Interrupted);

public sealed record BootstrapResultJson(string Target, string GoVersion, string Prefix, string Go, string Log, bool AlreadyBuilt, bool BootstrapRemoved, string PathLine);

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

/// <summary>The CLI's results as JSON, through source-generated type information and Core's one writer configuration.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(BuildResultJson))]
[JsonSerializable(typeof(VerifyResultJson))]
[JsonSerializable(typeof(DoctorJson))]
[JsonSerializable(typeof(FetchResultJson))]
[JsonSerializable(typeof(TestReportJson))]
[JsonSerializable(typeof(BootstrapResultJson))]
[JsonSerializable(typeof(LayoutJson))]
internal sealed partial class JsonOutput : JsonSerializerContext
{
    public static void Write<T>(TextWriter writer, T value, JsonTypeInfo<T> typeInfo) => writer.Write(JsonText.Serialize(value, typeInfo));
}
