using System.Net;
using System.Text.RegularExpressions;
using PiBuild.Core.FileSystem;

namespace PiBuild.Core.Addresses;

/// <summary>
/// An image reference as docker and the distribution spec read it: <c>[REGISTRY[:PORT]/]REPOSITORY[:TAG][@DIGEST]</c>.
/// The first part is a registry when it has a '.' or ':' or is <c>localhost</c>; otherwise the image is Docker Hub's
/// (<c>library/</c> for a one-part name).
/// </summary>
internal sealed partial record ImageReference(string Registry, string Repository, string? Tag, string? Digest)
{
    public const string DockerHub = "docker.io";

    /// <summary>How a command line or pibuild.yaml names an image rather than a file: a registry's, or an OCI layout's.</summary>
    public const string DockerPrefix = "docker://";
    public const string LayoutPrefix = "oci:";

    /// <summary>"127.0.0.1:5000/sensors:1.2.3": the reference as given back in messages.</summary>
    public override string ToString() => $"{Registry}/{Repository}{(Tag is null ? "" : ":" + Tag)}{(Digest is null ? "" : "@" + Digest)}";

    /// <summary>The tag, else the digest: what the manifest endpoint is asked for.</summary>
    public string Reference => Digest ?? Tag ?? "latest";

    /// <summary>Where the registry's API is: Docker Hub's is registry-1.docker.io.</summary>
    public string ApiHost => Registry == DockerHub ? "registry-1.docker.io" : Registry;

    /// <summary>
    /// A registry on this machine (localhost, 127.0.0.0/8, ::1): spoken to over plain HTTP when it does not answer
    /// TLS, as docker and skopeo do; every other registry only over TLS.
    /// </summary>
    public bool IsLoopback
    {
        get
        {
            var host = Registry.StartsWith('[') ? Registry[1..Registry.IndexOf(']', StringComparison.Ordinal)] : Registry.Split(':')[0];
            return host == "localhost" || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
        }
    }

    public static ImageReference Parse(string text, string what = "--tag")
    {
        var match = Grammar().Match(text);
        if (!match.Success)
        {
            throw new ConfigurationException(
                $"{what} '{ArchiveName.Display(text)}' is not an image reference; write REGISTRY/REPOSITORY:TAG, e.g. 127.0.0.1:5000/sensors:1.2.3 or ghcr.io/jane/sensors:latest (lower-case repository)");
        }

        var name = match.Groups["name"].Value;
        var first = name.Split('/')[0];
        var hasRegistry = name.Contains('/', StringComparison.Ordinal) && (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost");
        var registry = hasRegistry ? first : DockerHub;
        if (hasRegistry && PortOf(registry) is { } port && port is < 1 or > 65535)
        {
            throw new ConfigurationException($"{what} '{ArchiveName.Display(text)}' names the port {port}, which is not one (1 to 65535)");
        }

        var repository = hasRegistry ? name[(first.Length + 1)..] : name;
        if (registry == DockerHub && !repository.Contains('/', StringComparison.Ordinal))
        {
            repository = "library/" + repository;
        }

        return new ImageReference(registry, repository,
            match.Groups["tag"].Success ? match.Groups["tag"].Value : null,
            match.Groups["digest"].Success ? match.Groups["digest"].Value : null);
    }

    private static long? PortOf(string registry)
    {
        var colon = registry.LastIndexOf(':');
        return colon > 0 && registry[(colon + 1)..] is { Length: > 0 } digits && digits.All(char.IsAsciiDigit) && registry[colon - 1] != ':'
            ? digits.Length > 9 ? long.MaxValue : long.Parse(digits, System.Globalization.CultureInfo.InvariantCulture)
            : null;
    }

    // The distribution spec's grammar: path components of lower-case letters and digits joined by '.', '_', '__' or
    // dashes; a tag of up to 128 word characters, '.' and '-'; a sha256 digest.
    [GeneratedRegex(@"^(?<name>(?:(?:[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)(?::(?<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(?<digest>sha256:[0-9a-f]{64}))?$")]
    private static partial Regex Grammar();
}
