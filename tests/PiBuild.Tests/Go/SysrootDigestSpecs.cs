using PiBuild.Core.Go;

namespace PiBuild.Tests.Go;

public sealed class SysrootDigestSpecs : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("pibuild-digest-").FullName;

    private string Sysroot(string name)
    {
        var root = Path.Combine(_root, name);
        Directory.CreateDirectory(Path.Combine(root, "usr", "lib", "arm-linux-gnueabihf"));
        File.WriteAllText(Path.Combine(root, "usr", "lib", "arm-linux-gnueabihf", "libz.so.1.2.13"), "zlib");
        File.CreateSymbolicLink(Path.Combine(root, "usr", "lib", "arm-linux-gnueabihf", "libz.so.1"), "libz.so.1.2.13");
        File.CreateSymbolicLink(Path.Combine(root, "lib"), "usr/lib");
        return root;
    }

    [Fact]
    public async Task Two_copies_at_different_paths_and_times_with_different_copy_manifests_have_one_digest()
    {
        var one = Sysroot("one");
        var two = Sysroot("elsewhere");
        File.SetLastWriteTimeUtc(Path.Combine(two, "usr", "lib", "arm-linux-gnueabihf", "libz.so.1.2.13"), new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        File.WriteAllText(Path.Combine(two, ".pibuild-sysroot"), "copied at another time");
        Assert.Equal(await SysrootDigest.ComputeAsync(one, default), await SysrootDigest.ComputeAsync(two, default));
    }

    [Theory]
    [InlineData("content")]
    [InlineData("link")]
    [InlineData("mode")]
    [InlineData("new file")]
    public async Task Any_change_a_compiler_could_see_changes_the_digest(string change)
    {
        var root = Sysroot("s");
        var before = await SysrootDigest.ComputeAsync(root, default);
        var lib = Path.Combine(root, "usr", "lib", "arm-linux-gnueabihf");
        switch (change)
        {
            case "content": File.WriteAllText(Path.Combine(lib, "libz.so.1.2.13"), "zlib!"); break;
            case "link": File.Delete(Path.Combine(lib, "libz.so.1")); File.CreateSymbolicLink(Path.Combine(lib, "libz.so.1"), "libz.so.1.3"); break;
            case "mode": File.SetUnixFileMode(Path.Combine(lib, "libz.so.1.2.13"), UnixFileMode.UserRead | UnixFileMode.UserExecute); break;
            default: File.WriteAllText(Path.Combine(lib, "crt1.o"), ""); break;
        }

        Assert.NotEqual(before, await SysrootDigest.ComputeAsync(root, default));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
