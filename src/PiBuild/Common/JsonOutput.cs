using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using PiBuild.Core.Binaries;
using PiBuild.Core.Targets;

namespace PiBuild.Cli.Common;

public sealed record TargetJson(
    string Name,
    string Board,
    string Soc,
    string Cpu,
    int? Cores,
    int? ClockMhz,
    string Isa,
    string Fpu,
    int? MemoryMb,
    string Goos,
    string Goarch,
    string? Goarm,
    bool Cgo,
    string? QemuCpu,
    int ThreadStackKb,
    int TestTimeoutScale,
    DetectJson Detect,
    BootstrapJson? Bootstrap,
    OriginJson Origin,
    IReadOnlyList<string> Extends)
{
    public static TargetJson From(TargetProfile p) => new(
        p.Name, p.Board, p.Soc, p.Cpu, p.Cores, p.ClockMhz, p.Isa, p.Fpu, p.MemoryMb, p.GoOs, p.GoArch, p.GoArm?.ToString(),
        p.Cgo, p.QemuCpu, p.ThreadStackKb, p.TestTimeoutScale, new DetectJson(p.Detect.Models, p.Detect.CpuPart),
        p.Bootstrap is { } b ? new BootstrapJson(b.From, b.ArchiveArch, b.Url, b.Sha256) : null,
        new OriginJson(p.Origin.Layer, p.Origin.File), p.Extends);
}

public sealed record DetectJson(IReadOnlyList<string> Models, string? CpuPart);

public sealed record BootstrapJson(string From, string? ArchiveArch, string? Url, string? Sha256);

public sealed record OriginJson(string Layer, string File);

public sealed record TargetListJson(IReadOnlyList<TargetJson> Targets);

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
        target, check.Path, check.Size, check.BuildInfo?.GoVersion, check.BuildInfo?.Setting("GOOS"),
        check.BuildInfo?.Setting("GOARCH"), check.GoArm, check.Passed, check.Problems);
}

public sealed record BuildResultJson(string Project, string GoVersion, IReadOnlyList<BinaryJson> Binaries);

public sealed record VerifyResultJson(IReadOnlyList<BinaryJson> Binaries);

public sealed record DoctorCheckJson(string Name, string Status, string Detail, string? Fix, bool Required);

public sealed record DoctorJson(bool Ready, IReadOnlyList<DoctorCheckJson> Checks);

public sealed record ExtractResultJson(string Destination, string Format, int Entries, long Bytes);

public sealed record FetchResultJson(string Name, string Path, string Sha256, long Size, string Origin, string Verification, ExtractResultJson? Extracted);

public sealed record TestPackageJson(string Package, string Outcome, double Seconds, bool BuildFailed);

public sealed record FailedTestJson(string Package, string Test, string Output);

public sealed record TestReportJson(string Target, IReadOnlyList<TestPackageJson> Packages, int Passed, int Failed, int Skipped, IReadOnlyList<FailedTestJson> FailedTests, string BuildOutput);

public sealed record BootstrapResultJson(string Target, string GoVersion, string Prefix, string Go, string Log, bool AlreadyBuilt, bool BootstrapRemoved, string PathLine);

/// <summary>Source-generated JSON (no reflection), so output works the same under Native AOT.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(TargetListJson))]
[JsonSerializable(typeof(TargetJson))]
[JsonSerializable(typeof(BuildResultJson))]
[JsonSerializable(typeof(VerifyResultJson))]
[JsonSerializable(typeof(DoctorJson))]
[JsonSerializable(typeof(FetchResultJson))]
[JsonSerializable(typeof(TestReportJson))]
[JsonSerializable(typeof(BootstrapResultJson))]
internal sealed partial class JsonOutput : JsonSerializerContext
{
    public static void Write<T>(TextWriter writer, T value, JsonTypeInfo<T> typeInfo)
    {
        // Relaxed escaping keeps "Model B+" readable; the output is a document on stdout, never embedded in HTML.
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            JsonSerializer.Serialize(json, value, typeInfo);
        }

        writer.WriteLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }
}
