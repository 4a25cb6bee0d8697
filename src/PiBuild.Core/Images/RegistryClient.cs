using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace PiBuild.Core.Images;

/// <summary>
/// The OCI distribution API, as much as pushing and pulling an image index takes: blobs (an existence check first, so
/// an unchanged layer is not sent again; then one monolithic upload), manifests by digest, and the tag. TLS always,
/// but for a registry on this machine that does not answer TLS (as docker and skopeo allow). On a 401 it answers the
/// challenge: Basic with the credentials, or Bearer with a token fetched from the realm the registry names.
/// </summary>
internal sealed class RegistryClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly ImageReference _reference;
    private readonly RegistryCredentials? _credentials;
    private string? _scheme;
    private AuthenticationHeaderValue? _authorization;

    public RegistryClient(ImageReference reference, RegistryCredentials? credentials, TimeSpan? timeout = null)
    {
        _reference = reference;
        _credentials = credentials;
        _http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10), AllowAutoRedirect = true })
        {
            Timeout = timeout ?? TimeSpan.FromMinutes(10),
        };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("pibuild", "1"));
    }

    /// <summary>Before anything is built: the registry answers, and takes the login for a push (or needs none).</summary>
    public async Task CheckCanPushAsync(CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, $"{Base()}/v2/"), "push", cancellationToken).ConfigureAwait(false);
        Expect(response, HttpStatusCode.OK, "answer GET /v2/ (is it an OCI registry?)");
    }

    public async Task<bool> HasBlobAsync(string digest, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Head, Url($"blobs/{digest}")), "push", cancellationToken).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.OK;
    }

    /// <summary>Uploads a blob in one request: POST for an upload location, PUT with the content and its digest.</summary>
    public async Task PushBlobAsync(string digest, long size, Func<Stream> open, CancellationToken cancellationToken)
    {
        using var start = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, Url("blobs/uploads/")), "push", cancellationToken).ConfigureAwait(false);
        Expect(start, HttpStatusCode.Accepted, $"start the upload of {Short(digest)}");
        var location = start.Headers.Location ?? throw Rejected(start, $"start the upload of {Short(digest)}", "it named no upload location");
        var absolute = location.IsAbsoluteUri ? location : new Uri(new Uri(Base()), location);
        var put = new UriBuilder(absolute);
        put.Query = (put.Query.Length > 1 ? put.Query[1..] + "&" : "") + "digest=" + Uri.EscapeDataString(digest);
        using var done = await SendAsync(() =>
        {
            var content = new StreamContent(open());
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            content.Headers.ContentLength = size;
            return new HttpRequestMessage(HttpMethod.Put, put.Uri) { Content = content };
        }, "push", cancellationToken).ConfigureAwait(false);
        Expect(done, HttpStatusCode.Created, $"upload {Short(digest)}");
    }

    /// <summary>PUT a manifest or index, by digest or by tag.</summary>
    public async Task PutManifestAsync(string reference, string mediaType, byte[] body, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() =>
        {
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
            return new HttpRequestMessage(HttpMethod.Put, Url($"manifests/{reference}")) { Content = content };
        }, "push", cancellationToken).ConfigureAwait(false);
        Expect(response, HttpStatusCode.Created, $"store the manifest {Short(reference)}");
    }

    public async Task<(string MediaType, byte[] Body)> GetManifestAsync(string reference, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, Url($"manifests/{reference}"));
            foreach (var type in OciMediaTypes.Accepted)
            {
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
            }

            return request;
        }, "pull", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new WorkFailedException($"{_reference.Registry}/{_reference.Repository} has no manifest '{Short(reference)}'; check the tag (skopeo list-tags docker://{_reference.Registry}/{_reference.Repository})");
        }

        Expect(response, HttpStatusCode.OK, $"read the manifest {Short(reference)}");
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var mediaType = response.Content.Headers.ContentType?.MediaType ?? MediaTypeOf(body);
        return (mediaType, body);
    }

    /// <summary>The blob, streamed (layers can be large); the caller checks its digest.</summary>
    public async Task<Stream> OpenBlobAsync(string digest, CancellationToken cancellationToken)
    {
        var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, Url($"blobs/{digest}")), "pull", cancellationToken, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        Expect(response, HttpStatusCode.OK, $"read the blob {Short(digest)}");
        return await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _http.Dispose();

    internal static string MediaTypeOf(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        return document.RootElement.TryGetProperty("mediaType", out var type) && type.GetString() is { } t ? t
            : document.RootElement.TryGetProperty("manifests", out _) ? OciMediaTypes.Index : OciMediaTypes.Manifest;
    }

    private string Url(string path) => $"{Base()}/v2/{_reference.Repository}/{path}";

    private string Base() => $"{_scheme ?? "https"}://{_reference.ApiHost}";

    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> make, string action, CancellationToken cancellationToken, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        await ChooseSchemeAsync(cancellationToken).ConfigureAwait(false);
        var response = await SendOnceAsync(make, completion, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        var challenge = response.Headers.WwwAuthenticate.FirstOrDefault();
        response.Dispose();
        _authorization = await AnswerAsync(challenge, action, cancellationToken).ConfigureAwait(false);
        response = await SendOnceAsync(make, completion, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            response.Dispose();
            throw AuthRefused();
        }

        return response;
    }

    private async Task<HttpResponseMessage> SendOnceAsync(Func<HttpRequestMessage> make, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        using var request = make();
        request.Headers.Authorization = _authorization;
        try
        {
            return await _http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw Unreachable(e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new WorkFailedException($"registry {_reference.Registry} did not answer in time; check that it is up, then run the same command again", e);
        }
    }

    /// <summary>TLS, or plain HTTP for a loopback registry that does not speak TLS; asked once, with GET /v2/.</summary>
    private async Task ChooseSchemeAsync(CancellationToken cancellationToken)
    {
        if (_scheme is not null)
        {
            return;
        }

        foreach (var scheme in _reference.IsLoopback ? new[] { "https", "http" } : ["https"])
        {
            try
            {
                using var probe = await _http.GetAsync($"{scheme}://{_reference.ApiHost}/v2/", cancellationToken).ConfigureAwait(false);
                _scheme = scheme;
                return;
            }
            catch (HttpRequestException e) when (scheme == "https" && _reference.IsLoopback && e.HttpRequestError is HttpRequestError.SecureConnectionError or HttpRequestError.InvalidResponse or HttpRequestError.ResponseEnded)
            {
                // A loopback registry without TLS: plain HTTP next.
            }
            catch (HttpRequestException e)
            {
                throw Unreachable(e);
            }
        }
    }

    private async Task<AuthenticationHeaderValue> AnswerAsync(AuthenticationHeaderValue? challenge, string action, CancellationToken cancellationToken)
    {
        if (challenge is { Scheme: var basic } && basic.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            return _credentials?.Basic() ?? throw AuthRefused();
        }

        if (challenge is not { Scheme: var bearer, Parameter: { } parameter } || !bearer.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            throw new ConfigurationException($"registry {_reference.Registry} asks for authentication pibuild does not speak ({challenge?.Scheme ?? "none named"}); use a registry with Basic or token authentication");
        }

        var values = ChallengeParameters(parameter);
        var realm = values.GetValueOrDefault("realm") ?? throw AuthRefused();
        var scope = values.GetValueOrDefault("scope") ?? $"repository:{_reference.Repository}:{(action == "push" ? "pull,push" : "pull")}";
        var query = $"scope={Uri.EscapeDataString(scope)}" + (values.TryGetValue("service", out var service) ? $"&service={Uri.EscapeDataString(service)}" : "");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{realm}{(realm.Contains('?', StringComparison.Ordinal) ? "&" : "?")}{query}");
        request.Headers.Authorization = _credentials?.Basic();
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw AuthRefused();
        }

        using var document = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
        var token = (document.RootElement.TryGetProperty("token", out var t) ? t.GetString() : null)
            ?? (document.RootElement.TryGetProperty("access_token", out var a) ? a.GetString() : null)
            ?? throw AuthRefused();
        return new AuthenticationHeaderValue("Bearer", token);
    }

    private static Dictionary<string, string> ChallengeParameters(string parameter) =>
        System.Text.RegularExpressions.Regex.Matches(parameter, "(\\w+)=\"([^\"]*)\"")
            .ToDictionary(m => m.Groups[1].Value.ToLowerInvariant(), m => m.Groups[2].Value, StringComparer.Ordinal);

    private ConfigurationException AuthRefused() => new(
        _credentials is null
            ? $"registry {_reference.Registry} wants a login and pibuild has none for it; log in (docker login {_reference.Registry}, which writes ~/.docker/config.json) or set {RegistryCredentials.Variable}=USER:PASSWORD"
            : $"registry {_reference.Registry} refused the login of {_credentials.User} ({_credentials.Origin}); check the user and password or token, and that it may push to {_reference.Repository}");

    private WorkFailedException Unreachable(HttpRequestException e) => new(
        e.HttpRequestError == HttpRequestError.SecureConnectionError
            ? $"cannot speak TLS to registry {_reference.Registry} ({e.InnerException?.Message ?? e.Message}); if it uses its own CA, add it to the system's (update-ca-certificates) or point SSL_CERT_FILE at it"
            : $"cannot reach registry {_reference.Registry} ({e.InnerException?.Message ?? e.Message}); check the address and that the registry is running", e);

    private void Expect(HttpResponseMessage response, HttpStatusCode expected, string what)
    {
        if (response.StatusCode != expected && !(expected == HttpStatusCode.Created && response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted or HttpStatusCode.NoContent))
        {
            throw Rejected(response, what, null);
        }
    }

    private WorkFailedException Rejected(HttpResponseMessage response, string what, string? why)
    {
        var said = why ?? ErrorText(response);
        return new WorkFailedException($"registry {_reference.Registry} would not {what} for {_reference.Repository}: {(int)response.StatusCode} {response.ReasonPhrase}{(said.Length > 0 ? " (" + said + ")" : "")}");
    }

    /// <summary>The distribution API's error body ({"errors":[{"code","message"}]}), read short.</summary>
    private static string ErrorText(HttpResponseMessage response)
    {
        try
        {
            var body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            using var document = JsonDocument.Parse(body);
            return string.Join("; ", document.RootElement.GetProperty("errors").EnumerateArray()
                .Select(e => $"{e.GetProperty("code").GetString()}: {e.GetProperty("message").GetString()}"));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or HttpRequestException)
        {
            return "";
        }
    }

    private static string Short(string digestOrTag) => digestOrTag.StartsWith("sha256:", StringComparison.Ordinal) ? digestOrTag[..19] + "…" : digestOrTag;
}

/// <summary>
/// Who pibuild logs in to a registry as: <c>PIBUILD_REGISTRY_AUTH=USER:PASSWORD</c> (for CI), else the registry's
/// entry in <c>~/.docker/config.json</c> (<c>$DOCKER_CONFIG/config.json</c>), as <c>docker login</c> writes it.
/// </summary>
internal sealed record RegistryCredentials(string User, string Password, string Origin)
{
    public const string Variable = "PIBUILD_REGISTRY_AUTH";

    public AuthenticationHeaderValue Basic() => new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}")));

    public static RegistryCredentials? For(string registry, Func<string, string?> getVariable)
    {
        if (getVariable(Variable) is { Length: > 0 } pair)
        {
            var colon = pair.IndexOf(':', StringComparison.Ordinal);
            return colon > 0
                ? new RegistryCredentials(pair[..colon], pair[(colon + 1)..], Variable)
                : throw new ConfigurationException($"{Variable} must be USER:PASSWORD (or USER:TOKEN)");
        }

        var directory = getVariable("DOCKER_CONFIG") is { Length: > 0 } d ? d : Path.Combine(getVariable("HOME") ?? "/", ".docker");
        var file = Path.Combine(directory, "config.json");
        if (!File.Exists(file))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(file));
            if (!document.RootElement.TryGetProperty("auths", out var auths))
            {
                return null;
            }

            string[] keys = registry == ImageReference.DockerHub ? ["https://index.docker.io/v1/", "docker.io", "index.docker.io"] : [registry, "https://" + registry, "http://" + registry];
            foreach (var key in keys)
            {
                if (auths.TryGetProperty(key, out var entry) && entry.TryGetProperty("auth", out var auth) && auth.GetString() is { Length: > 0 } encoded)
                {
                    var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
                    var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                    if (colon > 0)
                    {
                        return new RegistryCredentials(decoded[..colon], decoded[(colon + 1)..], file);
                    }
                }
            }

            return null;
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            throw new ConfigurationException($"{file} is not a docker config pibuild can read ({e.Message}); fix it, or set {Variable}=USER:PASSWORD");
        }
    }
}
