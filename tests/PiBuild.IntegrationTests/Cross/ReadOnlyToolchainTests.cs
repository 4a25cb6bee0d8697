using PiBuild.IntegrationTests.Infrastructure;

namespace PiBuild.IntegrationTests.Cross;

/// <summary>pibuild never writes under GOROOT: a read-only copy of the toolchain builds, and no file in it changes.</summary>
[Collection(GoCacheCollection.Name)]
public sealed class ReadOnlyToolchainTests(SharedGoCache cache) : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Cross_building_with_a_read_only_toolchain_succeeds_and_changes_nothing_under_its_GOROOT()
    {
        var goroot = (await Run.ProgramAsync("go", ["env", "GOROOT"])).StandardOutput.Trim();
        var copy = _dir.Combine("go");

        // What a toolchain needs to cross-compile; the prebuilt host packages and tests are left out.
        foreach (var part in new[] { "bin", "pkg/tool", "pkg/include", "src", "VERSION" })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(copy, part))!);
            var cp = await Run.ProgramAsync("cp", ["-rL", Path.Combine(goroot, part), Path.Combine(copy, part)]);
            cp.AssertSucceeded();
        }

        (await Run.ProgramAsync("chmod", ["-R", "a-w", copy])).AssertSucceeded();
        var before = Snapshot(copy);

        var project = Repository.CopyExample("hello", _dir.Path);
        var result = await Run.PiBuildAsync(["cross", "--target", "pi1", "-C", project, "--go", Path.Combine(copy, "bin", "go")], _dir.Path, cache.Environment());
        result.AssertSucceeded();
        Assert.Equal("Hello world from gb\n", (await Qemu.RunAsync("arm1176", Path.Combine(project, "bin", "pi1", "helloworld"))).StandardOutput);

        Assert.Equal(before, Snapshot(copy));
    }

    /// <summary>Every path under a tree with its size and modification time.</summary>
    private static string[] Snapshot(string root) =>
        Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
            .Select(p => new FileInfo(p))
            .Select(f => $"{Path.GetRelativePath(root, f.FullName)} {(f.Attributes.HasFlag(FileAttributes.Directory) ? -1 : f.Length)} {f.LastWriteTimeUtc.Ticks}")
            .Order(StringComparer.Ordinal)
            .ToArray();

    public void Dispose() => _dir.Dispose();
}
