using System.Text.Json.Serialization;
using PiBuild.Core.Fetching;
using PiBuild.Core.Images;
using PiBuild.Core.Layout;
using PiBuild.Core.Releases;
using PiBuild.Core.Testing;

namespace PiBuild.Core;

/// <summary>Every JSON document Core reads or writes, with source-generated (reflection-free) type information.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(ReleaseManifest))]
[JsonSerializable(typeof(OciIndexJson))]
[JsonSerializable(typeof(OciManifestJson))]
[JsonSerializable(typeof(OciImageConfigJson))]
[JsonSerializable(typeof(PartialDownload))]
[JsonSerializable(typeof(GoRelease[]))]
[JsonSerializable(typeof(GoTestEvent))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(AnalyzerOutput))]
[JsonSerializable(typeof(OciManifestDocument))]
[JsonSerializable(typeof(OciConfigDocument))]
internal sealed partial class PiBuildJson : JsonSerializerContext;
