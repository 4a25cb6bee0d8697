using PiBuild.IntegrationTests.Infrastructure;

namespace PiBuild.IntegrationTests.Cli;

/// <summary>
/// Every bad input an adversarial run found, each answered by one line that names the input, with exit 2 (usage or
/// configuration) or 1 (failure): never "unexpected error", a stack trace, a crash or a hang.
/// </summary>
public sealed class BadInputTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public static TheoryData<string> Cases() =>
    [
        "recursive YAML alias in a profile", "recursive YAML alias in pibuild.yaml", "100 000 nested [ in a profile",
        "a FIFO as a profile", "a profile linked to /dev/zero", "project ../../pwned", "project a/b", "files /etc/hostname",
        "files ../outside", "a file named in pibuild.yaml that is missing", "an unknown target in pibuild.yaml",
        "an unknown target on the command line", "malformed YAML in a profile", "cross --bogus", "fetch ''",
        "fetch --extract ''", "cross -o ''", "release -o under /proc", "--go /bin/true", "-C a file", "verify /dev/zero",
        "verify a FIFO", "verify a 1.5 GB sparse file", "fetch --sha256 zz", "fetch a missing file", "release --deb without a deb: section",
        "layout for an unknown board", "fetch --extract a text file", "run --on a malformed address", "deploy without a device",
        "deploy --to a relative directory", "PIBUILD_SSH with an open quote", "sysroot without -o",
        "fetch a directory", "cross -o a file", "fetch --index a text file", "commands outside the project", "crosss", "fetch --strip-components -1", "release --shard -1/2", "release --snapshot --bogus",
        "cross -- -toolexec", "cross -- -bogus", "release -- -trimpath=false", "test -- -exec", "a build tag with a space in pibuild.yaml",
        "a deb description that starts with the package name", "a cgo deb without dpkg data or deb.depends",
        "ldflags -extld in pibuild.yaml", "--ldflags -o=/x", "-- -gcflags=all=-o=/x", "test -- -ldflags -extld", "--tags with $(…)",
        "ldflags with a backtick", "-- -modfile outside the project", "verify a directory", "fetch host:port/path", "fetch http:/host",
        "completion tcsh", "a device host with a ; in pibuild.yaml", "verify docker:// with port 99999", "image --push without --tag",
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_bad_input_gets_one_line_naming_it_and_exit_1_or_2(string input)
    {
        var project = Repository.CopyExample("hello", _dir.Path);
        var targets = Path.Combine(project, "targets");
        Directory.CreateDirectory(targets);
        void Write(string relative, string text) => File.WriteAllText(Path.Combine(project, relative), text);
        async Task Fifo(string path) => (await Run.ProgramAsync("mkfifo", [path])).AssertSucceeded();

        var (exit, names, args) = input switch
        {
            "recursive YAML alias in a profile" => Setup(() => Write("targets/r.yaml", "name: r\n? &a [*a]\n: 1\n"), 2, "r.yaml:2:3", "targets"),
            "recursive YAML alias in pibuild.yaml" => Setup(() => Write("pibuild.yaml", "targets: &a [*a]\n"), 2, "pibuild.yaml:1:10", "cross"),
            "100 000 nested [ in a profile" => Setup(() => Write("targets/deep.yaml", "name: deep\nk: " + new string('[', 100_000)), 2, "deep.yaml:2:", "targets"),
            "a FIFO as a profile" => Setup(() => Fifo(Path.Combine(targets, "fifo.yaml")).Wait(), 2, "fifo.yaml is a FIFO", "targets"),
            "a profile linked to /dev/zero" => Setup(() => File.CreateSymbolicLink(Path.Combine(targets, "zero.yaml"), "/dev/zero"), 2, "zero.yaml is a character device", "targets"),
            "project ../../pwned" => Setup(() => Write("pibuild.yaml", "project: \"../../pwned\"\n"), 2, "pibuild.yaml:1:10: 'project'", "release", "--target", "pi1", "--version", "1.0.0"),
            "project a/b" => Setup(() => Write("pibuild.yaml", "project: a/b\n"), 2, "not 'a/b'", "release", "--target", "pi1", "--version", "1.0.0"),
            "files /etc/hostname" => Setup(() => Write("pibuild.yaml", "files: [/etc/hostname]\n"), 2, "pibuild.yaml:1:9: 'files'", "release", "--target", "pi1", "--version", "1.0.0"),
            "files ../outside" => Setup(() => Write("pibuild.yaml", "files:\n  - ../outside\n"), 2, "pibuild.yaml:2:5: 'files'", "release", "--target", "pi1", "--version", "1.0.0"),
            "a file named in pibuild.yaml that is missing" => Setup(() => Write("pibuild.yaml", "files:\n  - README.md\n  - NOTES.md\n"), 2, "pibuild.yaml:3:5: file 'NOTES.md'", "release", "--target", "pi1", "--version", "1.0.0"),
            "an unknown target in pibuild.yaml" => Setup(() => Write("pibuild.yaml", "targets: [pi1, pi7]\n"), 2, "pibuild.yaml:1:16: unknown target 'pi7'", "cross"),
            "an unknown target on the command line" => Setup(() => { }, 2, "unknown target 'pi7'", "cross", "--target", "pi7"),
            "malformed YAML in a profile" => Setup(() => Write("targets/bad.yaml", "name: [x\n"), 2, "bad.yaml:2:1: malformed YAML", "targets"),
            "cross --bogus" => Setup(() => { }, 2, "unknown option '--bogus'", "cross", "--target", "pi1", "--bogus"),
            "fetch ''" => Setup(() => { }, 2, "URL is an empty string", "fetch", ""),
            "fetch --extract ''" => Setup(() => { }, 2, "--extract needs a value", "fetch", "x.tar.gz", "--extract", ""),
            "cross -o ''" => Setup(() => { }, 2, "-o needs a value", "cross", "--target", "pi1", "-o", ""),
            "release -o under /proc" => Setup(() => { }, 2, "/proc/pibuild-out", "release", "--target", "pi1", "--version", "1.0.0", "-o", "/proc/pibuild-out"),
            "--go /bin/true" => Setup(() => { }, 2, "/bin/true is not a Go toolchain", "cross", "--target", "pi1", "--go", "/bin/true"),
            "-C a file" => Setup(() => { }, 2, "README.md is a file", "cross", "--target", "pi1", "-C", Path.Combine(project, "README.md")),
            "verify /dev/zero" => Setup(() => { }, 1, "/dev/zero is not a pi1 binary: it is a character device", "verify", "--target", "pi1", "/dev/zero"),
            "verify a FIFO" => Setup(() => Fifo(Path.Combine(project, "pipe")).Wait(), 1, "pipe is not a pi1 binary: it is a FIFO", "verify", "--target", "pi1", "pipe"),
            "verify a 1.5 GB sparse file" => Setup(() => { using var f = File.Create(Path.Combine(project, "sparse.bin")); f.SetLength(1536L << 20); }, 1, "sparse.bin is not a pi1 binary: not an ELF executable", "verify", "--target", "pi1", "sparse.bin"),
            "fetch --sha256 zz" => Setup(() => { }, 2, "--sha256: 'zz'", "fetch", "http://127.0.0.1:9/x.tar.gz", "--sha256", "zz"),
            "fetch a missing file" => Setup(() => { }, 2, "missing.tar.gz: no such file", "fetch", "missing.tar.gz"),
            "fetch a directory" => Setup(() => { }, 2, "is a directory, not a file", "fetch", project),
            "cross -o a file" => Setup(() => Write("out.txt", "x"), 2, "-o out.txt is a file, not a directory", "cross", "--target", "pi2", "-o", "out.txt"),
            "fetch --index a text file" => Setup(() => Write("index.txt", "not json\n"), 1, "index.txt is not Go's download index (not a JSON list of releases, at line 1); check --index", "fetch", "http://127.0.0.1:9/go1.19.8.src.tar.gz", "--index", "index.txt"),
            "commands outside the project" => Setup(() => Write("pibuild.yaml", "commands:\n  - ./cmd/...\n  - ../elsewhere/cmd\n"), 2, "pibuild.yaml:3:5: 'commands' names packages inside the project", "release", "--snapshot"),
            "crosss" => Setup(() => { }, 2, "unknown command 'crosss' (did you mean 'cross'?)", "crosss"),
            "fetch --strip-components -1" => Setup(() => { }, 2, "--strip-components takes N, which cannot be negative", "fetch", "x.tar.gz", "--strip-components", "-1"),
            "release --shard -1/2" => Setup(() => { }, 2, "--shard takes I/N, which cannot be negative", "release", "--shard", "-1/2"),
            "release --snapshot --bogus" => Setup(() => { }, 2, "unknown option '--bogus'", "release", "--snapshot", "--bogus"),
            "cross -- -toolexec" => Setup(() => { }, 2, "'-toolexec=./x.sh' is not passed to go", "cross", "--target", "pi2", "--", "-toolexec=./x.sh"),
            "cross -- -bogus" => Setup(() => { }, 2, "'-bogus' is not a go build flag", "cross", "--target", "pi2", "--", "-bogus"),
            "release -- -trimpath=false" => Setup(() => { }, 2, "-trimpath=false: a release always trims", "release", "--target", "pi2", "--snapshot", "--", "-trimpath=false"),
            "test -- -exec" => Setup(() => { }, 2, "'-exec' is not passed to go", "test", "--target", "pi2", "--", "-exec", "sh"),
            "a build tag with a space in pibuild.yaml" => Setup(() => Write("pibuild.yaml", "tags: [\"a b\"]\n"), 2, "pibuild.yaml:1:8: 'tags' are build tags", "cross", "--target", "pi2"),
            "a deb description that starts with the package name" => Setup(() => Write("pibuild.yaml", "deb: {maintainer: \"J <j@example.com>\", description: hello world}\n"), 2, "deb.description 'hello world' starts with the package's name 'hello'", "release", "--target", "pi2", "--snapshot", "--deb"),
            "a cgo deb without dpkg data or deb.depends" => Setup(() => Write("pibuild.yaml", "cgo: true\ndeb: {maintainer: \"J <j@example.com>\"}\n"), 2, "the arm64 package is built with cgo", "release", "--target", "pi4", "--snapshot", "--deb"),
            "ldflags -extld in pibuild.yaml" => Setup(() => Write("pibuild.yaml", "ldflags: \"-linkmode=external -extld=/tmp/evil.sh\"\n"), 2, "pibuild.yaml:1:10: 'ldflags': the linker flag '-extld=/tmp/evil.sh' is not passed to go", "cross", "--target", "pi2"),
            "--ldflags -o=/x" => Setup(() => { }, 2, "the linker flag '-o=/x' is not passed to go", "cross", "--target", "pi2", "--ldflags", "-o=/x"),
            "-- -gcflags=all=-o=/x" => Setup(() => { }, 2, "the compiler flag '-o=/x' is not passed to go", "cross", "--target", "pi2", "--", "-gcflags=all=-o=/x"),
            "test -- -ldflags -extld" => Setup(() => { }, 2, "the linker flag '-extld=/tmp/evil.sh' is not passed to go", "test", "--target", "pi2", "--", "-ldflags", "-extld=/tmp/evil.sh"),
            "--tags with $(…)" => Setup(() => { }, 2, "build tags are letters, digits, '_' and '.', not '$(touch'", "cross", "--target", "pi2", "--tags", "a,$(touch /tmp/x)"),
            "ldflags with a backtick" => Setup(() => { }, 2, "'`id`' is not a linker flag", "cross", "--target", "pi2", "--ldflags", "-s `id`"),
            "-- -modfile outside the project" => Setup(() => { }, 2, "-modfile names a file outside the project", "cross", "--target", "pi2", "--", "-modfile=/tmp/go.mod"),
            "verify a directory" => Setup(() => { }, 2, "src is a directory; verify checks files", "verify", "--target", "pi1", "src"),
            "fetch host:port/path" => Setup(() => { }, 2, "'127.0.0.1:8765/x' looks like a URL without its scheme", "fetch", "127.0.0.1:8765/x"),
            "fetch http:/host" => Setup(() => { }, 2, "'http:/127.0.0.1/x' looks like a URL without its scheme", "fetch", "http:/127.0.0.1/x"),
            "completion tcsh" => Setup(() => { }, 2, "unknown shell 'tcsh' (pibuild completes bash, zsh and fish)", "completion", "tcsh"),
            "a device host with a ; in pibuild.yaml" => Setup(() => Write("pibuild.yaml", "devices:\n  kitchen: \"pi@host;reboot\"\n"), 2, "pibuild.yaml:2:12: 'pi@host;reboot' is not a device address", "deploy", "--on", "kitchen", "--dry-run"),
            "image --push without --tag" => Setup(() => { }, 2, "--push needs --tag REGISTRY/REPOSITORY:TAG", "image", "--target", "pi1", "--push"),
            "verify docker:// with port 99999" => Setup(() => { }, 2, "names the port 99999", "verify", "--target", "pi1", "docker://127.0.0.1:99999/good:1"),
            "release --deb without a deb: section" => Setup(() => { }, 2, "release --deb needs a 'deb:' section in pibuild.yaml", "release", "--target", "pi1", "--version", "1.0.0", "--deb"),
            "layout for an unknown board" => Setup(() => { }, 2, "unknown target 'pi7'", "layout", "--target", "pi1,pi7"),
            "run --on a malformed address" => Setup(() => { }, 2, "'pi@' is not a device address", "run", "--on", "pi@", "./cmd/helloworld"),
            "deploy without a device" => Setup(() => { }, 2, "deploy needs a device: --on", "deploy"),
            "deploy --to a relative directory" => Setup(() => { }, 2, "--to bin is not an absolute directory", "deploy", "--on", "pi@127.0.0.1:9", "--to", "bin"),
            "PIBUILD_SSH with an open quote" => Setup(() => { }, 2, "unterminated ' in: ssh -F 'x", "targets", "detect", "--on", "pi@127.0.0.1:9"),
            "sysroot without -o" => Setup(() => { }, 2, "Option '--output' is required", "sysroot", "--on", "pi@127.0.0.1:9"),
            _ => Setup(() => { }, 1, "README.md is not an archive", "fetch", "README.md", "--extract", "out"),
        };

        var environment = new Dictionary<string, string?>
        {
            ["XDG_CACHE_HOME"] = _dir.Combine("cache"), ["XDG_CONFIG_HOME"] = _dir.Combine("config"), ["PIBUILD_CACHE_DIR"] = null, ["PIBUILD_ON"] = null,
            ["PIBUILD_SSH"] = input == "PIBUILD_SSH with an open quote" ? "ssh -F 'x" : null,
        };
        var result = await Run.PiBuildAsync(args, project, environment, TimeSpan.FromMinutes(2));
        result.AssertExit(exit);
        var lines = result.StandardError.TrimEnd('\n').Split('\n');
        var line = Assert.Single(lines);
        Assert.StartsWith("pibuild: ", line, StringComparison.Ordinal);
        Assert.Contains(names, line, StringComparison.Ordinal);
        Assert.DoesNotContain("unexpected error", line, StringComparison.Ordinal);
    }

    private static (int Exit, string Names, string[] Args) Setup(Action prepare, int exit, string names, params string[] args)
    {
        prepare();
        return (exit, names, args);
    }

    public void Dispose() => _dir.Dispose();
}
