using PiBuild.IntegrationTests.Infrastructure;

namespace PiBuild.IntegrationTests.Cross;

/// <summary>pibuild verify on binaries made by the real go: the right one passes, the wrong ones are named and refused.</summary>
[Collection(GoCacheCollection.Name)]
public sealed class VerifyTests(SharedGoCache cache) : IDisposable
{
    private readonly TempDirectory _dir = new();

    /// <summary>Builds hello with go directly, the way a user would by hand.</summary>
    private async Task<string> BuildByHand(string name, params (string Key, string Value)[] env)
    {
        var project = Repository.CopyExample("hello", _dir.Combine(name));
        var environment = cache.Environment();
        environment["GOPATH"] = $"{project}:{project}/vendor";
        environment["GO111MODULE"] = "off";
        environment["CGO_ENABLED"] = "0";
        environment["GOCACHE"] = Path.Combine(cache.CacheHome, "by-hand");
        foreach (var (key, value) in env)
        {
            environment[key] = value;
        }

        var output = _dir.Combine(name, "helloworld");
        var build = await Run.ProgramAsync("go", ["build", "-o", output, "./cmd/helloworld"], Path.Combine(project, "src"), environment);
        build.AssertSucceeded();
        return output;
    }

    [Fact]
    public async Task A_GOARM_6_ARM_binary_passes_for_pi1()
    {
        var binary = await BuildByHand("armv6", ("GOOS", "linux"), ("GOARCH", "arm"), ("GOARM", "6"));
        var result = await Run.PiBuildAsync(["verify", "--target", "pi1", binary], _dir.Path, cache.Environment());
        result.AssertSucceeded();
        Assert.Contains("GOARM=6  verified", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_amd64_binary_is_refused_for_pi1()
    {
        var binary = await BuildByHand("amd64", ("GOOS", "linux"), ("GOARCH", "amd64"));
        var result = await Run.PiBuildAsync(["verify", "--target", "pi1", binary], _dir.Path, cache.Environment());
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("is not a pi1 binary: machine: expected arm (ELF32 little-endian), found amd64 (ELF64 little-endian); GOARCH: expected arm, found amd64", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_GOARM_7_binary_is_refused_for_pi1_but_passes_for_pi2()
    {
        var binary = await BuildByHand("armv7", ("GOOS", "linux"), ("GOARCH", "arm"), ("GOARM", "7"));
        var forPi1 = await Run.PiBuildAsync(["verify", "--target", "pi1", binary, "--json"], _dir.Path, cache.Environment());
        Assert.Equal(1, forPi1.ExitCode);
        using var json = System.Text.Json.JsonDocument.Parse(forPi1.StandardOutput);
        var entry = json.RootElement.GetProperty("binaries")[0];
        Assert.False(entry.GetProperty("verified").GetBoolean());
        Assert.Equal("GOARM: expected 6, found 7", entry.GetProperty("problems")[0].GetString());

        var forPi2 = await Run.PiBuildAsync(["verify", "--target", "pi2", binary], _dir.Path, cache.Environment());
        Assert.Equal(0, forPi2.ExitCode);
    }

    [Fact]
    public async Task Verifying_a_file_that_does_not_exist_is_a_usage_error()
    {
        var result = await Run.PiBuildAsync(["verify", "--target", "pi1", "missing-binary"], _dir.Path, cache.Environment());
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("pibuild: missing-binary: no such file\n", result.StandardError);
    }

    public void Dispose() => _dir.Dispose();
}
