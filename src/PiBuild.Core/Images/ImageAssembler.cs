using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using PiBuild.Core.Archives;
using PiBuild.Core.Digests;
using PiBuild.Core.Projects;

namespace PiBuild.Core.Images;

/// <summary>One platform's image to write: its verified commands, the one the entrypoint runs, and the base it is layered on (null: scratch).</summary>
internal sealed record PlatformImage(OciPlatform Platform, IReadOnlyList<string> Commands, string Entrypoint, BaseEntry? Base = null);

/// <summary>
/// Writes images into an OCI layout, the same bytes for the same input: two gzip layers per platform (the files a Go
/// service needs — CA certificates, a non-root user, /tmp, time zones when asked — shared by every platform; then the
/// commands in /usr/local/bin), an image config and manifest per platform, and one index, ARMv6 before ARMv7, whose
/// every time is the source date.
/// </summary>
internal sealed class ImageAssembler(OciLayout layout, ImageConfig config, ReleaseSource source, string hostRoot)
{
    /// <summary>The user the image runs as: distroless's "nonroot".</summary>
    public const int NonRootId = 65532;

    public const string BinDirectory = "usr/local/bin";

    private const string CaBundle = "etc/ssl/certs/ca-certificates.crt";

    private const int Directory = 0x1ED;
    private const int Executable = 0x1ED;
    private const int Regular = 0x1A4;
    private const int StickyDirectory = 0x3FF | 0x200;

    private (OciDescriptor Blob, string DiffId)? _base;

    private string Created => DateTimeOffset.FromUnixTimeSeconds(source.SourceDateEpoch).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Writes every platform's image and the index over them; returns the index's descriptor.</summary>
    public async Task<(OciDescriptor Index, IReadOnlyList<OciDescriptor> Manifests)> WriteAsync(IReadOnlyList<PlatformImage> images, CancellationToken cancellationToken)
    {
        var manifests = new List<OciDescriptor>();
        foreach (var image in images)
        {
            manifests.Add(await WriteImageAsync(image, cancellationToken).ConfigureAwait(false));
        }

        var index = layout.AddBlob(OciMediaTypes.Index, OciJson.Write(
            new OciIndexJson(2, OciMediaTypes.Index, [.. manifests.Select(m => OciDescriptorJson.Of(m))], Annotations()), PiBuildJson.Default.OciIndexJson));
        return (index, manifests);
    }

    private async Task<OciDescriptor> WriteImageAsync(PlatformImage image, CancellationToken cancellationToken)
    {
        var commands = await LayerAsync(
            [new TarItem("usr/", Directory), new TarItem("usr/local/", Directory), new TarItem($"{BinDirectory}/", Directory),
             .. image.Commands.Select(c => new TarItem($"{BinDirectory}/{Path.GetFileName(c)}", Executable, c))],
            "commands", cancellationToken).ConfigureAwait(false);
        (OciDescriptor Blob, string DiffId)[] layers;
        OciDescriptor imageConfig;
        if (image.Base is { } baseEntry)
        {
            layers = [.. baseEntry.Layers.Select(l => (l, "")), commands];
            imageConfig = layout.AddBlob(OciMediaTypes.Config, ConfigOnBase(image, baseEntry, commands.DiffId));
        }
        else
        {
            _base ??= await LayerAsync(BaseFiles(), "base", cancellationToken).ConfigureAwait(false);
            layers = [_base.Value, commands];
            imageConfig = ScratchConfig(image, layers);
        }

        var manifest = layout.AddBlob(OciMediaTypes.Manifest, OciJson.Write(
            new OciManifestJson(2, OciMediaTypes.Manifest, OciDescriptorJson.Of(imageConfig), [.. layers.Select(l => OciDescriptorJson.Of(l.Blob))], Annotations()),
            PiBuildJson.Default.OciManifestJson));
        return manifest with { Platform = image.Platform };
    }

    /// <summary>
    /// The base's config with pibuild's on top (a tree of the base's own document, changed in place: whatever the base
    /// says that pibuild does not know passes through untouched, which a typed record would drop): this platform, the entrypoint (the base's Cmd dropped), the user,
    /// environment, ports and labels added, the commands layer's diff ID and history appended.
    /// </summary>
    private byte[] ConfigOnBase(PlatformImage image, BaseEntry baseEntry, string diffId)
    {
        var root = System.Text.Json.Nodes.JsonNode.Parse(baseEntry.Config)!.AsObject();
        root["created"] = Created;
        root["architecture"] = image.Platform.Architecture;
        root["os"] = image.Platform.Os;
        root["variant"] = image.Platform.Variant;
        var settings = root["config"] as System.Text.Json.Nodes.JsonObject ?? [];
        root["config"] = settings;
        settings["User"] = $"{NonRootId}:{NonRootId}";
        settings["Entrypoint"] = new System.Text.Json.Nodes.JsonArray($"/{BinDirectory}/{image.Entrypoint}");
        settings.Remove("Cmd");

        // The base's environment, each of pibuild's replacing one of the same name; PATH gains /usr/local/bin.
        var env = (settings["Env"] as System.Text.Json.Nodes.JsonArray)?.Select(e => (string)e!).ToList() ?? [];
        foreach (var variable in Environment().Where(v => !v.StartsWith("SSL_CERT_FILE=", StringComparison.Ordinal)))
        {
            var name = variable[..variable.IndexOf('=', StringComparison.Ordinal)];
            var at = env.FindIndex(e => e.StartsWith(name + "=", StringComparison.Ordinal));
            var value = name == "PATH" && at >= 0 && !env[at].Contains($"/{BinDirectory}", StringComparison.Ordinal) ? $"PATH=/{BinDirectory}:{env[at]["PATH=".Length..]}" : variable;
            if (name == "PATH" && at >= 0 && env[at].Contains($"/{BinDirectory}", StringComparison.Ordinal))
            {
                continue;
            }

            if (at >= 0)
            {
                env[at] = value;
            }
            else
            {
                env.Add(value);
            }
        }

        settings["Env"] = new System.Text.Json.Nodes.JsonArray([.. env.Select(e => (System.Text.Json.Nodes.JsonNode?)e)]);
        var ports = settings["ExposedPorts"] as System.Text.Json.Nodes.JsonObject ?? [];
        foreach (var port in config.Ports.Where(p => !ports.ContainsKey(p)))
        {
            ports[port] = new System.Text.Json.Nodes.JsonObject();
        }

        if (ports.Count > 0)
        {
            settings["ExposedPorts"] = ports;
        }

        var labels = settings["Labels"] as System.Text.Json.Nodes.JsonObject ?? [];
        foreach (var (key, value) in Labels())
        {
            labels[key] = value;
        }

        settings["Labels"] = labels;
        settings["WorkingDir"] = "/";
        var rootfs = root["rootfs"]!.AsObject();
        rootfs["diff_ids"]!.AsArray().Add((System.Text.Json.Nodes.JsonNode?)diffId);
        var history = root["history"] as System.Text.Json.Nodes.JsonArray ?? [];
        root["history"] = history;
        history.Add((System.Text.Json.Nodes.JsonNode?)new System.Text.Json.Nodes.JsonObject { ["created"] = Created, ["created_by"] = $"pibuild: {string.Join(", ", image.Commands.Select(Path.GetFileName))} for {image.Platform}" });
        return System.Text.Encoding.UTF8.GetBytes(root.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }

    private OciDescriptor ScratchConfig(PlatformImage image, (OciDescriptor Blob, string DiffId)[] layers)
    {
        var ports = config.Ports.Count > 0 ? new SortedDictionary<string, OciEmptyJson>(config.Ports.ToDictionary(p => p, _ => new OciEmptyJson()), StringComparer.Ordinal) : null;
        var settings = new OciRunConfigJson($"{NonRootId}:{NonRootId}", ports, [.. Environment()], [$"/{BinDirectory}/{image.Entrypoint}"], "/", Labels());
        string[] history = ["pibuild: CA certificates, the nonroot user, /tmp" + (config.TzData ? ", time zones" : ""), $"pibuild: {string.Join(", ", image.Commands.Select(Path.GetFileName))} for {image.Platform}"];
        var document = new OciImageConfigJson(Created, image.Platform.Architecture, image.Platform.Os, image.Platform.Variant, settings,
            new OciRootfsJson("layers", [.. layers.Select(l => l.DiffId)]), [.. history.Select(step => new OciHistoryJson(Created, step))]);
        return layout.AddBlob(OciMediaTypes.Config, OciJson.Write(document, PiBuildJson.Default.OciImageConfigJson));
    }

    private IEnumerable<string> Environment() =>
    [
        $"PATH=/{BinDirectory}:/usr/bin:/bin",
        $"SSL_CERT_FILE=/{CaBundle}",
        .. config.TzData ? ["ZONEINFO=/usr/share/zoneinfo"] : Array.Empty<string>(),
        .. config.Env.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"),
    ];

    private SortedDictionary<string, string> Annotations() => new(StringComparer.Ordinal)
    {
        ["org.opencontainers.image.created"] = Created,
        ["org.opencontainers.image.revision"] = source.Commit,
        ["org.opencontainers.image.version"] = source.Version,
    };

    private SortedDictionary<string, string> Labels()
    {
        var labels = Annotations();
        foreach (var (key, value) in config.Labels)
        {
            labels[key] = value;
        }

        return labels;
    }

    /// <summary>What every platform's image holds besides the commands, from this machine's own files.</summary>
    private List<TarItem> BaseFiles()
    {
        var bundle = Path.Combine(hostRoot, CaBundle);
        if (!File.Exists(bundle))
        {
            throw new ConfigurationException($"{bundle} is missing, and an image's programs need CA certificates to speak TLS; install them: sudo apt-get install ca-certificates");
        }

        var files = new List<TarItem>
        {
            new("etc/", Directory), new("etc/ssl/", Directory), new("etc/ssl/certs/", Directory),
            new(CaBundle, Regular, bundle),
            new("etc/passwd", Regular, Content: Encoding.ASCII.GetBytes($"root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:{NonRootId}:{NonRootId}:nonroot:/home/nonroot:/sbin/nologin\n")),
            new("etc/group", Regular, Content: Encoding.ASCII.GetBytes($"root:x:0:\nnonroot:x:{NonRootId}:\n")),
            new("home/", Directory), new("home/nonroot/", Directory),
            new("tmp/", StickyDirectory),
        };
        if (config.TzData)
        {
            var zoneinfo = Path.Combine(hostRoot, "usr/share/zoneinfo");
            if (!System.IO.Directory.Exists(zoneinfo))
            {
                throw new ConfigurationException($"image.tzdata asks for time zones, but {zoneinfo} is missing; install them: sudo apt-get install tzdata");
            }

            files.Add(new TarItem("usr/", Directory));
            files.Add(new TarItem("usr/share/", Directory));
            files.Add(new TarItem("usr/share/zoneinfo/", Directory));
            foreach (var entry in new DirectoryInfo(zoneinfo).EnumerateFileSystemInfos("*", SearchOption.AllDirectories))
            {
                // Links (posixrules, localtime) are left out: Go reads the zone files by name.
                var name = "usr/share/zoneinfo/" + Path.GetRelativePath(zoneinfo, entry.FullName);
                if (entry.LinkTarget is null)
                {
                    files.Add(entry is DirectoryInfo ? new TarItem(name + "/", Directory) : new TarItem(name, Regular, entry.FullName));
                }
            }
        }

        return files;
    }

    /// <summary>A gzip layer in the layout, and its diff ID (the digest of the uncompressed tar).</summary>
    private async Task<(OciDescriptor Blob, string DiffId)> LayerAsync(IEnumerable<TarItem> items, string name, CancellationToken cancellationToken)
    {
        var path = Path.Combine(layout.Root, $".{name}-{Guid.NewGuid():N}.tar.gz");
        using var uncompressed = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
        {
            ReproducibleArchive.WriteTarGz(file, items, source.SourceDateEpoch, owner: "", uncompressed);
        }

        var diffId = OciDigest.FromHex(Convert.ToHexStringLower(uncompressed.GetHashAndReset())).ToString();
        return (await layout.AddBlobFileAsync(OciMediaTypes.Layer, path, cancellationToken).ConfigureAwait(false), diffId);
    }
}
