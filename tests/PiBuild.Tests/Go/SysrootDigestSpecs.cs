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

    [Fact]
    public void The_stamp_go_builds_with_changes_with_a_header_and_with_pibuilds_copy_manifest_only()
    {
        var root = Sysroot("stamped");
        Directory.CreateDirectory(Path.Combine(root, "usr", "include"));
        var header = Path.Combine(root, "usr", "include", "zlib.h");
        File.WriteAllText(header, "#define ZLIB_VERSION \"1.2.13\"\n");
        var before = SysrootDigest.Stamp(root);
        Assert.Equal(before, SysrootDigest.Stamp(root));

        File.WriteAllText(header, "#define ZLIB_VERSION \"1.3.1\"\n");
        var changed = SysrootDigest.Stamp(root);
        Assert.NotEqual(before, changed);

        // A sysroot pibuild copied: its manifest (which every copy that changes a file rewrites) is the stamp.
        File.WriteAllText(Path.Combine(root, ".pibuild-sysroot"), "f 10 1700000000.0 644 usr/include/zlib.h\n");
        var copied = SysrootDigest.Stamp(root);
        File.WriteAllText(header, "not looked at");
        Assert.Equal(copied, SysrootDigest.Stamp(root));
        File.WriteAllText(Path.Combine(root, ".pibuild-sysroot"), "f 13 1700000001.0 644 usr/include/zlib.h\n");
        Assert.NotEqual(copied, SysrootDigest.Stamp(root));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
