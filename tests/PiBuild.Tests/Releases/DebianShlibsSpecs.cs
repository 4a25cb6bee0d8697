using PiBuild.Core;
using PiBuild.Core.Releases;
using PiBuild.Core.Releases.Debian;

namespace PiBuild.Tests.Releases;

public sealed class DebianShlibsSpecs : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string Sysroot(params (string Name, string Text)[] files)
    {
        foreach (var (name, text) in files)
        {
            _dir.Write($"sysroot/var/lib/dpkg/info/{name}", text);
        }

        return _dir.Combine("sysroot");
    }

    [Fact]
    public void A_library_is_found_by_its_shlibs_line_and_the_boards_architecture_comes_first()
    {
        var sysroot = Sysroot(
            ("libc6:armhf.shlibs", "libc 6 libc6 (>= 2.36)\nudeb: libc 6 libc6-udeb (>= 2.36)\n"),
            ("libc6.shlibs", "libc 6 libc6 (>= 2.31)\n"),
            ("libc6:arm64.shlibs", "libc 6 libc6 (>= 9.99)\n"),
            ("libfoo1.shlibs", "libfoo 1.2 libfoo1 (>= 1.2)\n"));
        var shlibs = DebianShlibs.Load(sysroot, "armhf")!;
        Assert.Equal("libc6 (>= 2.36)", shlibs.DependencyOf("libc.so.6"));
        Assert.Equal("libfoo1 (>= 1.2)", shlibs.DependencyOf("libfoo.so.1.2"));
        Assert.Equal("libfoo1 (>= 1.2)", shlibs.DependencyOf("libfoo-1.2.so"));
        Assert.Null(shlibs.DependencyOf("libz.so.1"));
        Assert.Equal("libc6 (>= 9.99)", DebianShlibs.Load(sysroot, "arm64")!.DependencyOf("libc.so.6"));
    }

    [Fact]
    public void Without_shlibs_a_symbols_file_gives_the_newest_version_its_symbols_name()
    {
        var sysroot = Sysroot(("libbar2:armhf.symbols", "libbar.so.2 libbar2 #MINVER#\n* Build-Depends-Package: libbar-dev\n bar_open@Base 2.0\n bar_close@Base 1:2.10-1\n bar_old@Base 1.9\n"));
        Assert.Equal("libbar2 (>= 1:2.10-1)", DebianShlibs.Load(sysroot, "armhf")!.DependencyOf("libbar.so.2"));
    }

    [Fact]
    public void A_package_of_static_binaries_depends_on_nothing_and_needs_no_dpkg_data() =>
        Assert.Empty(DebianShlibs.DependsOf([("hello", [])], null, "armhf", []));

    [Fact]
    public void A_library_no_package_provides_is_refused_unless_deb_depends_says_what_to_install()
    {
        var sysroot = Sysroot(("libc6:armhf.shlibs", "libc 6 libc6 (>= 2.36)\n"));
        var error = Assert.Throws<ConfigurationException>(() => DebianShlibs.DependsOf([("withc", ["libc.so.6", "libz.so.1"])], sysroot, "armhf", []));
        Assert.Contains("withc needs libz.so.1", error.Message, StringComparison.Ordinal);
        Assert.Contains("deb.depends", error.Message, StringComparison.Ordinal);
        Assert.Equal(["libc6 (>= 2.36)"], DebianShlibs.DependsOf([("withc", ["libc.so.6", "libz.so.1"])], sysroot, "armhf", ["zlib1g"]));
    }

    [Fact]
    public void A_cgo_package_is_refused_before_the_build_when_nothing_could_say_what_it_depends_on()
    {
        var error = Assert.Throws<ConfigurationException>(() => DebianShlibs.CheckCanResolve("arm64", null, []));
        Assert.Contains("the arm64 package is built with cgo", error.Message, StringComparison.Ordinal);
        DebianShlibs.CheckCanResolve("arm64", null, ["libc6"]);
        DebianShlibs.CheckCanResolve("armhf", Sysroot(("libc6:armhf.shlibs", "libc 6 libc6 (>= 2.36)\n")), []);
    }

    [Fact]
    public void Outside_git_a_release_is_dated_by_its_newest_source_file_not_by_its_output_or_hidden_files()
    {
        _dir.Write("p/main.go", "package main\n");
        _dir.Write("p/.git-like/HEAD", "x");
        _dir.Write("p/dist/old.tar.gz", "x");
        _dir.Write("p/bin/pi2/main", "x");
        var source = new DateTime(2025, 5, 6, 7, 8, 9, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(_dir.Combine("p/main.go"), source);
        foreach (var later in new[] { "p/.git-like/HEAD", "p/dist/old.tar.gz", "p/bin/pi2/main" })
        {
            File.SetLastWriteTimeUtc(_dir.Combine(later), source.AddDays(30));
        }

        Assert.Equal(new DateTimeOffset(source).ToUnixTimeSeconds(), ReleaseVersion.NewestSourceFile(_dir.Combine("p"), _dir.Combine("p/dist")));
    }

    public void Dispose() => _dir.Dispose();
}
