using PiBuild.Core;
using PiBuild.Core.Builds;
using PiBuild.Core.Fetching;
using PiBuild.Tests.Binaries;

namespace PiBuild.Tests.Pipelines;

/// <summary>
/// A small real <c>go</c> (a POSIX sh script) for pipeline specs: it answers <c>go env</c> as Go 1.19.8 does, records
/// every <c>build</c> and <c>test</c> it is asked for (a file each: builds run at once) with the variables that shape a build (and its stack limit), and
/// "builds" by copying the synthetic binary made for the GOARCH/GOARM it is given. A pipeline then runs whole, its
/// plan, verification and placing included, in milliseconds.
/// </summary>
internal sealed class DummyGo : IDisposable
{
    private const string Script = """
        #!/bin/sh
        d=$(dirname "$0")
        case "$1" in
        env) printf '{"GOVERSION":"go1.19.8","GOROOT":"%s/root","GOHOSTOS":"linux","GOHOSTARCH":"amd64"}\n' "$d"; exit 0 ;;
        list) exit 0 ;;
        esac
        mkdir -p "$d/calls"
        {
          printf '%s\n' "$*"
          env | grep -E '^(GOOS|GOARCH|GOARM|GOARM64|CGO_ENABLED|GOCACHE|GOFLAGS|GOTOOLCHAIN|GO_TEST_TIMEOUT_SCALE|CC)=' | sort
          printf 'ulimit=%s\n' "$(ulimit -s)"
        } > "$(mktemp "$d/calls/XXXXXX")"
        [ "$1" = build ] || exit 0
        while [ $# -gt 0 ]; do [ "$1" = -o ] && out=$2; shift; done
        cp "$d/binaries/$GOARCH-$GOARM/"* "$out"
        """;

    private readonly TempDirectory _dir = new("pibuild-dummy-go-");

    public DummyGo()
    {
        Executable = _dir.Write("go", Script.ReplaceLineEndings("\n"));
        File.SetUnixFileMode(Executable, (UnixFileMode)0x1ED);
        Project = _dir.Combine("project");
        _dir.Write("project/go.mod", "module example.com/hello\n\ngo 1.19\n");
        _dir.Write("project/main.go", "package main\n\nfunc main() {}\n");
        Produces("arm", "6", SyntheticBinary.ForGoArm("6"));
        Produces("arm", "7", SyntheticBinary.ForGoArm("7"));
    }

    public string Executable { get; }

    public string Project { get; }

    public string Cache => _dir.Combine("cache");

    /// <summary>What a <c>go build</c> for the GOARCH and GOARM leaves as <c>hello</c>.</summary>
    public void Produces(string goarch, string goarm, SyntheticBinary binary)
    {
        var path = _dir.Combine("binaries", $"{goarch}-{goarm}", "hello");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, binary.Bytes());
    }

    /// <summary>Each recorded call: its first line (the arguments after the subcommand's name) and its variables.</summary>
    public IReadOnlyList<(string Command, IReadOnlyDictionary<string, string> Variables)> Calls() =>
        Directory.Exists(_dir.Combine("calls"))
            ? Directory.EnumerateFiles(_dir.Combine("calls")).Select(File.ReadAllText).Select(call =>
            {
                var lines = call.TrimEnd('\n').Split('\n');
                return (lines[0], (IReadOnlyDictionary<string, string>)lines.Skip(1).Select(l => l.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]));
            }).ToArray()
            : [];

    /// <summary>A workspace on the dummy project and go; <paramref name="variables"/> add to (or, with null, remove from) the environment.</summary>
    public Workspace Workspace(RecordingEvents events, bool verbose = false, IReadOnlyDictionary<string, string?>? variables = null)
    {
        var environment = new Dictionary<string, string?>
        {
            ["PIBUILD_CACHE_DIR"] = Cache,
            ["XDG_CONFIG_HOME"] = _dir.Combine("config"),
            ["PATH"] = Environment.GetEnvironmentVariable("PATH"),
        };
        foreach (var (name, value) in variables ?? new Dictionary<string, string?>())
        {
            environment[name] = value;
        }

        return new Workspace(Project, Executable, verbose, name => environment.GetValueOrDefault(name), events);
    }

    public void Dispose() => _dir.Dispose();
}

/// <summary>An <see cref="IPipelineEvents"/> that keeps what a pipeline reported, in order.</summary>
internal sealed class RecordingEvents : IPipelineEvents
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public void Step(string text) => Add($"step: {text}");

    public void Warning(string text) => Add($"warning: {text}");

    public void ToolOutput(string line) => Add($"tool: {line}");

    public void TestOutput(string line) => Add($"test: {line}");

    public void Download(FetchProgress progress)
    {
    }

    public void Building(BuildProgress progress) => Add($"building: {progress.Target}");

    private void Add(string line)
    {
        lock (_lines)
        {
            _lines.Add(line);
        }
    }
}
