using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using PiBuild.Cli.Bootstrap;
using PiBuild.Cli.Cross;
using PiBuild.Cli.Deploy;
using PiBuild.Cli.Doctor;
using PiBuild.Cli.Fetch;
using PiBuild.Cli.Image;
using PiBuild.Cli.Layout;
using PiBuild.Cli.Sysroot;
using PiBuild.Cli.Targets;
using PiBuild.Cli.Test;
using PiBuild.Cli.Toolchains;
using PiBuild.Cli.Verify;
using PiBuild.Core;
using PiBuild.Core.Binaries;

namespace PiBuild.Cli.Common;

/// <summary>A verified binary, as cross, build and verify list it; each command's own records are beside it (Cross/CrossJson.cs, …).</summary>
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

/// <summary>
/// The CLI's results as JSON, the one way: each command's records (beside the command) through this source-generated
/// context and Core's one writer configuration. A profile is the exception inside them: its keys make its JSON.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(BuildResultJson))]
[JsonSerializable(typeof(ImageJson))]
[JsonSerializable(typeof(RolloutJson))]
[JsonSerializable(typeof(FleetDetectedJson))]
[JsonSerializable(typeof(VerifyResultJson))]
[JsonSerializable(typeof(DoctorJson))]
[JsonSerializable(typeof(FetchResultJson))]
[JsonSerializable(typeof(TestReportJson))]
[JsonSerializable(typeof(BootstrapResultJson))]
[JsonSerializable(typeof(LayoutJson))]
[JsonSerializable(typeof(ToolchainsJson))]
[JsonSerializable(typeof(RemovedToolchainsJson))]
[JsonSerializable(typeof(SysrootJson))]
[JsonSerializable(typeof(TargetsJson))]
[JsonSerializable(typeof(DetectedJson))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class JsonOutput : JsonSerializerContext
{
    public static void Write<T>(TextWriter writer, T value, JsonTypeInfo<T> typeInfo) => writer.Write(JsonText.Serialize(value, typeInfo));
}
