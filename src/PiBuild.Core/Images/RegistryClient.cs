using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using PiBuild.Core.Addresses;
using PiBuild.Core.Digests;
using PiBuild.Core.Fetching;
using PiBuild.Core.FileSystem;

namespace PiBuild.Core.Images;

/// <summary>
/// The OCI distribution API, as much as pushing and pulling an image index takes: blobs (an existence check first, so
/// an unchanged layer is not sent again; then one monolithic upload), manifests by digest, and the tag. TLS always,
/// but for a registry on this machine that does not answer TLS (as docker and skopeo allow). On a 401 it answers the
/// challenge: Basic with the credentials, or Bearer with a token fetched from the realm the registry names (over https
/// when the registry is, never downgraded). Everything goes through the fetcher's one transport (its retries, idle and
/// low-speed bounds, credentials kept to their origin); documents are capped and checked against their digests; blobs
/// go through the fetcher's content-addressed store.
/// </summary>
internal sealed partial class RegistryClient(ImageReference reference, RegistryCredentials? credentials, Fetcher fetcher)
{
    /// <summary>The most a token answer may be; a token is a few KiB.</summary>
    private const int MaxTokenBytes = 1 << 20;

    /// <summary>The most of an error body that is read, for its message.</summary>
    private const int MaxErrorBytes = 64 << 10;

    private HttpTransport Transport => fetcher.Transport;

    private string? _scheme;
    private AuthenticationHeaderValue? _authorization;

    /// <summary>Before anything is built: the registry answers, and takes the login for a push (or needs none).</summary>
    public Task CheckCanPushAsync(CancellationToken cancellationToken) =>
        RetryAsync(async attempt =>
        {
            await ChooseSchemeAsync(attempt).ConfigureAwait(false);
            using var response = await SendAsync(HttpMethod.Get, () => new Uri($"{_scheme}://{reference.ApiHost}/v2/"), null, "push", attempt).ConfigureAwait(false);
            await ExpectAsync(response, HttpStatusCode.OK, "answer GET /v2/ (is it an OCI registry?)", attempt).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    public Task<bool> HasBlobAsync(OciDigest digest, CancellationToken cancellationToken) =>
        RetryAsync(async attempt =>
        {
            using var response = await SendAsync(HttpMethod.Head, () => Url($"blobs/{digest}"), null, "push", attempt).ConfigureAwait(false);
            HttpTransport.ThrowIfTransient(response, $"when asked whether it has {digest.Short}");
            return response.StatusCode == HttpStatusCode.OK;
        }, cancellationToken);

    /// <summary>Uploads a blob in one request: POST for an upload location, PUT with the content and its digest.</summary>
    public Task PushBlobAsync(OciDigest digest, long size, Func<Stream> open, CancellationToken cancellationToken) =>
        RetryAsync(async attempt =>
        {
            using var start = await SendAsync(HttpMethod.Post, () => Url("blobs/uploads/"), null, "push", attempt).ConfigureAwait(false);
            await ExpectAsync(start, HttpStatusCode.Accepted, $"start the upload of {digest.Short}", attempt).ConfigureAwait(false);
            var location = start.Headers.Location ?? throw Rejected(start, $"start the upload of {digest.Short}", "it named no upload location");
            var absolute = location.IsAbsoluteUri ? location : new Uri(Url(""), location);
            if (!HttpTransport.SameOrigin(absolute, Url("")))
            {
                // The upload carries the login: it goes to the registry it was given for, nowhere else.
                throw Rejected(start, $"start the upload of {digest.Short}", $"it named an upload location on another host ({ArchiveName.Display(absolute.GetLeftPart(UriPartial.Authority))}), where pibuild does not send the login");
            }

            var put = new UriBuilder(absolute);
            put.Query = (put.Query.Length > 1 ? put.Query[1..] + "&" : "") + "digest=" + Uri.EscapeDataString(digest.ToString());
            using var done = await SendAsync(HttpMethod.Put, () => put.Uri, request =>
            {
                var content = new StreamContent(open());
                content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                content.Headers.ContentLength = size;
                request.Content = content;
            }, "push", attempt).ConfigureAwait(false);
            await ExpectAsync(done, HttpStatusCode.Created, $"upload {digest.Short}", attempt).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>PUT a manifest or index, by digest or by tag.</summary>
    public Task PutManifestAsync(string tagOrDigest, string mediaType, byte[] body, CancellationToken cancellationToken) =>
        RetryAsync(async attempt =>
        {
            using var response = await SendAsync(HttpMethod.Put, () => Url($"manifests/{tagOrDigest}"), request =>
            {
                var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
                request.Content = content;
            }, "push", attempt).ConfigureAwait(false);
            await ExpectAsync(response, HttpStatusCode.Created, $"store the manifest {Short(tagOrDigest)}", attempt).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>
    /// A manifest or index by tag, or by digest (then its bytes must hash to it: a registry that answers a digest with
    /// another document is refused); at most <see cref="OciDocuments.MaxDocumentBytes"/>.
    /// </summary>
    /// <param name="declaredSize">The size the descriptor that named it declares: a longer body is refused as soon as it is longer.</param>
    public async Task<(string MediaType, byte[] Body)> GetManifestAsync(string tag, OciDigest? digest, long? declaredSize, CancellationToken cancellationToken)
    {
        var name = digest?.ToString() ?? tag;
        var what = $"the manifest {Short(name)} of {reference.Registry}/{reference.Repository}";
        var (mediaType, body) = await RetryAsync(async attempt =>
        {
            using var response = await SendAsync(HttpMethod.Get, () => Url($"manifests/{name}"), request =>
            {
                foreach (var type in OciMediaTypes.Accepted)
                {
                    request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
                }
            }, "pull", attempt).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                throw new WorkFailedException($"{reference.Registry}/{reference.Repository} has no manifest '{Short(name)}'; check the tag (skopeo list-tags docker://{reference.Registry}/{reference.Repository})");
            }

            await ExpectAsync(response, HttpStatusCode.OK, $"read the manifest {Short(name)}", attempt).ConfigureAwait(false);
            return (response.Content.Headers.ContentType?.MediaType, await Transport.ReadBodyAsync(response, (int)Math.Min(declaredSize ?? OciDocuments.MaxDocumentBytes, OciDocuments.MaxDocumentBytes), what, attempt).ConfigureAwait(false));
        }, cancellationToken).ConfigureAwait(false);
        if (digest is { } expected && (OciDigest.Of(body) != expected || (declaredSize is { } size && body.Length != size)))
        {
            throw new WorkFailedException($"registry {reference.Registry} answered {what} with a document whose digest is {OciDigest.Of(body).Short}; the registry or a proxy changed it, so nothing in it is used");
        }

        return (mediaType is { } type && (OciMediaTypes.Accepted.Contains(type)) ? type : OciDocuments.MediaTypeOf(OciDocuments.ReadManifest(body, what)), body);
    }

    /// <summary>A small blob (a config) in memory, checked against its digest and declared size.</summary>
    public async Task<byte[]> GetBlobAsync(OciDescriptor blob, CancellationToken cancellationToken)
    {
        var what = $"the blob {blob.Digest.Short} of {reference.Registry}/{reference.Repository}";
        OciDocuments.CheckDeclaredSize(blob, what);

        var body = await RetryAsync(async attempt =>
        {
            using var response = await SendAsync(HttpMethod.Get, () => Url($"blobs/{blob.Digest}"), null, "pull", attempt).ConfigureAwait(false);
            await ExpectAsync(response, HttpStatusCode.OK, $"read the blob {blob.Digest.Short}", attempt).ConfigureAwait(false);
            return await Transport.ReadBodyAsync(response, (int)blob.Size, what, attempt).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return OciDigest.Of(body) == blob.Digest && body.Length == blob.Size
            ? body
            : throw new WorkFailedException($"registry {reference.Registry} answered {what} with {body.Length} bytes whose digest is {OciDigest.Of(body).Short}; nothing in it is used");
    }

    /// <summary>
    /// A layer into the fetcher's content-addressed store (once: a second pull finds it there), its digest and size
    /// checked. The manifests before it answered the registry's challenge, so the same login (or none) serves the
    /// layers; a token that expires during a long pull (Docker Hub's last minutes) is renewed once, and the download
    /// resumes from what it kept.
    /// </summary>
    public async Task<string> FetchBlobAsync(OciDescriptor blob, string name, CancellationToken cancellationToken)
    {
        for (var renewed = false; ; renewed = true)
        {
            var authorization = _authorization;
            try
            {
                return await fetcher.FetchBlobAsync(Url($"blobs/{blob.Digest}"), blob.Digest.Hex, blob.Size, request => request.Headers.Authorization = authorization, name, null, cancellationToken).ConfigureAwait(false);
            }
            catch (CredentialsExpiredException e) when (!renewed)
            {
                _authorization = await AnswerAsync(e.Challenge, "pull", cancellationToken).ConfigureAwait(false);
            }
            catch (CredentialsExpiredException)
            {
                throw AuthRefused("pull");
            }
        }
    }

    private Uri Url(string path) => new($"{_scheme ?? "https"}://{reference.ApiHost}/v2/{reference.Repository}/{path}");

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Func<Uri> url, Action<HttpRequestMessage>? configure, string action, CancellationToken cancellationToken)
    {
        await ChooseSchemeAsync(cancellationToken).ConfigureAwait(false);
        var response = await SendOnceAsync(method, url(), configure, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        var challenge = response.Headers.WwwAuthenticate.FirstOrDefault();
        response.Dispose();
        _authorization = await AnswerAsync(challenge, action, cancellationToken).ConfigureAwait(false);
        response = await SendOnceAsync(method, url(), configure, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            response.Dispose();
            throw AuthRefused(action);
        }

        return response;
    }

    private async Task<HttpResponseMessage> SendOnceAsync(HttpMethod method, Uri url, Action<HttpRequestMessage>? configure, CancellationToken cancellationToken)
    {
        var authorization = _authorization;
        try
        {
            if (method == HttpMethod.Get || method == HttpMethod.Head)
            {
                return await Transport.SendAsync(method, url, request =>
                {
                    request.Headers.Authorization = authorization;
                    configure?.Invoke(request);
                }, cancellationToken).ConfigureAwait(false);
            }

            using var request = new HttpRequestMessage(method, url) { Headers = { Authorization = authorization } };
            configure?.Invoke(request);
            return await Transport.SendOnceAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (TransientFetchException e) when (e.InnerException is HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } tls)
        {
            throw NoTls(tls);
        }
    }

    /// <summary>TLS, or plain HTTP for a loopback registry that does not speak TLS; asked once, with GET /v2/.</summary>
    private async Task ChooseSchemeAsync(CancellationToken cancellationToken)
    {
        if (_scheme is not null)
        {
            return;
        }

        foreach (var scheme in reference.IsLoopback ? new[] { "https", "http" } : ["https"])
        {
            var plain = false;
            using var probe = await RetryAsync<HttpResponseMessage?>(async attempt =>
            {
                try
                {
                    return await Transport.SendAsync(HttpMethod.Get, new Uri($"{scheme}://{reference.ApiHost}/v2/"), null, attempt).ConfigureAwait(false);
                }
                catch (TransientFetchException) when (scheme == "https" && reference.IsLoopback)
                {
                    // A loopback registry that does not complete TLS gets plain HTTP next, as docker treats one; if it
                    // is down, plain HTTP says so.
                    plain = true;
                    return null;
                }
                catch (TransientFetchException e) when (scheme == "https" && e.InnerException is HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError or HttpRequestError.InvalidResponse or HttpRequestError.ResponseEnded } tls)
                {
                    throw NoTls(tls);
                }
            }, cancellationToken).ConfigureAwait(false);
            if (!plain)
            {
                _scheme = scheme;
                return;
            }
        }
    }

    private async Task<AuthenticationHeaderValue> AnswerAsync(AuthenticationHeaderValue? challenge, string action, CancellationToken cancellationToken)
    {
        if (challenge is { Scheme: var basic } && basic.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            return credentials?.Basic() ?? throw AuthRefused(action);
        }

        if (challenge is not { Scheme: var bearer, Parameter: { } parameter } || !bearer.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            throw new ConfigurationException($"registry {reference.Registry} asks for authentication pibuild does not speak ({ArchiveName.Display(challenge?.Scheme ?? "none named")}); use a registry with Basic or token authentication");
        }

        var values = ChallengeParameters(parameter);
        var realm = TokenRealm(values.GetValueOrDefault("realm"));
        var scope = values.GetValueOrDefault("scope") ?? $"repository:{reference.Repository}:{(action == "push" ? "pull,push" : "pull")}";
        var query = $"scope={Uri.EscapeDataString(scope)}" + (values.TryGetValue("service", out var service) ? $"&service={Uri.EscapeDataString(service)}" : "");
        var url = new UriBuilder(realm) { Query = (realm.Query.Length > 1 ? realm.Query[1..] + "&" : "") + query }.Uri;
        var where = $"the token service {realm.GetLeftPart(UriPartial.Path)} that registry {reference.Registry} names";
        var body = await Transport.RetryAsync(async attempt =>
        {
            using var response = await Transport.GetAsync(url, request => request.Headers.Authorization = credentials?.Basic(), attempt).ConfigureAwait(false);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                throw AuthRefused(action);
            }

            HttpTransport.ThrowIfTransient(response);
            if (!response.IsSuccessStatusCode)
            {
                throw new WorkFailedException($"{where} answered {(int)response.StatusCode} {ArchiveName.Display(response.ReasonPhrase ?? "")}; check the registry's token service");
            }

            return await Transport.ReadBodyAsync(response, MaxTokenBytes, $"the token from {where}", attempt).ConfigureAwait(false);
        }, e => new WorkFailedException($"cannot get a token from {where}: {e.Message}; check that it is up, then run the same command again", e), cancellationToken).ConfigureAwait(false);

        string? token;
        try
        {
            using var document = JsonDocument.Parse(body);
            token = document.RootElement.ValueKind != JsonValueKind.Object ? null
                : document.RootElement.TryGetProperty("token", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()
                : document.RootElement.TryGetProperty("access_token", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString()
                : null;
        }
        catch (JsonException)
        {
            throw new WorkFailedException($"{where} answered something that is not a token (not JSON); check the registry's token service");
        }

        if (token is null)
        {
            throw new WorkFailedException($"{where} answered JSON without a token; check the registry's token service");
        }

        // A token goes into a header line: only the characters of a bearer token (RFC 6750), never a line break.
        return TokenCharacters().IsMatch(token)
            ? new AuthenticationHeaderValue("Bearer", token)
            : throw new WorkFailedException($"{where} answered a token with characters a bearer token cannot hold; pibuild will not send it");
    }

    /// <summary>
    /// The realm a Bearer challenge names, where the login is sent: an absolute http(s) URL, and https whenever the
    /// registry was reached over https (a plain-http realm would carry the password in clear: a downgrade).
    /// </summary>
    private Uri TokenRealm(string? realm)
    {
        if (realm is null)
        {
            throw new WorkFailedException($"registry {reference.Registry} asks for a token but names no realm to get it from; check the registry's auth configuration");
        }

        if (!Uri.TryCreate(realm, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
        {
            throw new WorkFailedException($"registry {reference.Registry} names the token realm '{ArchiveName.Display(realm)}', which is not an http(s) address; pibuild sends no login there");
        }

        if (uri.Scheme == "http" && _scheme == "https")
        {
            throw new WorkFailedException($"registry {reference.Registry} is reached over https but names a token realm on plain http ({ArchiveName.Display(uri.GetLeftPart(UriPartial.Path))}); pibuild will not send the login in clear (a downgrade); fix the registry's realm");
        }

        return uri;
    }

    private static Dictionary<string, string> ChallengeParameters(string parameter)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Text.RegularExpressions.Match m in ChallengeParameter().Matches(parameter))
        {
            values.TryAdd(m.Groups[1].Value.ToLowerInvariant(), m.Groups[2].Value);
        }

        return values;
    }

    [System.Text.RegularExpressions.GeneratedRegex("(\\w+)=\"([^\"]*)\"")]
    private static partial System.Text.RegularExpressions.Regex ChallengeParameter();

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9\\-._~+/]+=*$")]
    private static partial System.Text.RegularExpressions.Regex TokenCharacters();

    private ConfigurationException AuthRefused(string action) => new(
        credentials is null
            ? $"registry {reference.Registry} wants a login and pibuild has none for it; log in (docker login {reference.Registry}, which writes ~/.docker/config.json) or set {RegistryCredentials.Variable}=USER:PASSWORD"
            : $"registry {reference.Registry} refused the login of {credentials.User} ({credentials.Origin}); check the user and password or token, and that it may {(action == "push" ? "push to" : "pull from")} {reference.Repository}");

    /// <summary>An operation retried on the transport's rules; its last transient failure said as the registry's.</summary>
    private Task<T> RetryAsync<T>(Func<CancellationToken, Task<T>> attempt, CancellationToken cancellationToken) =>
        Transport.RetryAsync(attempt, Exhausted, cancellationToken);

    private Exception Exhausted(TransientFetchException e) => e.InnerException is HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } tls
        ? NoTls(tls)
        : e.InnerException is null
            ? new WorkFailedException($"registry {reference.Registry} kept failing ({e.Message}); try again later", e)
            : new WorkFailedException($"cannot reach registry {reference.Registry} ({e.Message}); check the address and that the registry is running", e);

    private WorkFailedException NoTls(HttpRequestException e) =>
        new($"cannot speak TLS to registry {reference.Registry} ({e.InnerException?.Message ?? e.Message}); if it uses its own CA, add it to the system's (update-ca-certificates) or point SSL_CERT_FILE at it", e);

    private async Task ExpectAsync(HttpResponseMessage response, HttpStatusCode expected, string what, CancellationToken cancellationToken)
    {
        if (response.StatusCode == expected || (expected == HttpStatusCode.Created && response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted or HttpStatusCode.NoContent))
        {
            return;
        }

        HttpTransport.ThrowIfTransient(response, $"when asked to {what}");
        throw Rejected(response, what, await ErrorTextAsync(response, cancellationToken).ConfigureAwait(false));
    }

    private WorkFailedException Rejected(HttpResponseMessage response, string what, string said) =>
        new($"registry {reference.Registry} would not {what} for {reference.Repository}: {(int)response.StatusCode} {ArchiveName.Display(response.ReasonPhrase ?? "")}{(said.Length > 0 ? " (" + said + ")" : "")}");

    /// <summary>The distribution API's error body ({"errors":[{"code","message"}]}), at most 64 KiB of it, shown on one line.</summary>
    private async Task<string> ErrorTextAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = await Transport.ReadBodyAsync(response, MaxErrorBytes, "the error", cancellationToken).ConfigureAwait(false);
            using var document = JsonDocument.Parse(body);
            var said = string.Join("; ", document.RootElement.GetProperty("errors").EnumerateArray()
                .Select(e => $"{e.GetProperty("code").GetString()}: {e.GetProperty("message").GetString()}"));
            return ArchiveName.Display(said.Length > 300 ? said[..300] + "…" : said);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or WorkFailedException or TransientFetchException)
        {
            return "";
        }
    }

    private static string Short(string digestOrTag) => OciDigest.TryParse(digestOrTag, out var digest) ? digest.Short : digestOrTag;
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
