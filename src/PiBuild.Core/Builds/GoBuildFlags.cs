using PiBuild.Core.FileSystem;
using PiBuild.Core.Projects;

namespace PiBuild.Core.Builds;

/// <summary>
/// The flags a build hands to <c>go build</c> beyond its own: build tags and linker flags (pibuild.yaml's first, then
/// the command line's; go keeps only the last <c>-tags</c> and <c>-ldflags</c>, so each is passed once, joined) and
/// go build's other flags as given after <c>--</c>. Flags pibuild owns, or that would build something it cannot
/// vouch for, are refused with the reason before anything runs.
/// </summary>
/// <param name="Release">A release's build: see <see cref="ForRelease"/>.</param>
internal sealed record GoBuildFlags(IReadOnlyList<string> Tags, IReadOnlyList<string> LdFlags, IReadOnlyList<string> Others, bool Release = false)
{
    public static readonly GoBuildFlags None = new([], [], []);

    /// <summary>go build's flags (Go 1.19 to 1.24) and whether each takes a value; <c>-json</c> and <c>-C</c> are refused below.</summary>
    private static readonly Dictionary<string, bool> TakesValue = new(StringComparer.Ordinal)
    {
        ["a"] = false, ["asan"] = false, ["cover"] = false, ["linkshared"] = false, ["modcacherw"] = false, ["msan"] = false,
        ["n"] = false, ["race"] = false, ["trimpath"] = false, ["v"] = false, ["work"] = false, ["x"] = false, ["buildvcs"] = false,
        ["json"] = false,
        ["C"] = true, ["asmflags"] = true, ["buildmode"] = true, ["compiler"] = true, ["covermode"] = true, ["coverpkg"] = true,
        ["gccgoflags"] = true, ["gcflags"] = true, ["installsuffix"] = true, ["ldflags"] = true, ["mod"] = true, ["modfile"] = true,
        ["o"] = true, ["overlay"] = true, ["p"] = true, ["pgo"] = true, ["pkgdir"] = true, ["tags"] = true, ["toolexec"] = true,
    };

    /// <summary>Why each refused flag is refused: pibuild owns it, or the binary would not be the project's, for the board.</summary>
    private static readonly Dictionary<string, string> Refused = new(StringComparer.Ordinal)
    {
        ["o"] = "pibuild places the binaries itself (bin/<board>/); choose the directory with -o/--output DIR",
        ["C"] = "pibuild builds in the project; choose it with -C/--directory DIR before the command",
        ["toolexec"] = "it runs a program in place of the compiler and linker, so pibuild could not vouch for what was built",
        ["overlay"] = "it replaces the project's files with others, so the binary would not be built from the project's source",
        ["n"] = "it only prints what go build would run, so there would be nothing to verify",
        ["linkshared"] = "it links against shared Go libraries that no board has installed",
        ["json"] = "pibuild reads go build's own output; ask pibuild for JSON with --json",
        ["exec"] = "pibuild runs the tests as the board does, with its own -exec",
    };

    /// <summary>
    /// Reads what follows <c>--</c>: go build's flags, then package patterns (go stops reading flags at the first
    /// argument that is not one). An unknown or refused flag is a usage error naming it.
    /// </summary>
    public static (GoBuildFlags Flags, IReadOnlyList<string> Packages) Parse(IReadOnlyList<string> arguments)
    {
        var tags = new List<string>();
        var ldflags = new List<string>();
        var others = new List<string>();
        var i = 0;
        for (; i < arguments.Count && arguments[i].StartsWith('-') && arguments[i] != "-"; i++)
        {
            var token = arguments[i];
            if (token == "--")
            {
                i++;
                break;
            }

            var (name, value) = Split(token);
            if (!TakesValue.TryGetValue(name, out var takesValue))
            {
                throw new ConfigurationException(
                    $"'{token}' is not a go build flag; after -- pibuild passes go build's flags (-gcflags, -race, -a, -tags …) and packages, see: go help build");
            }

            CheckAllowed(name, token);
            if (takesValue && value is null)
            {
                value = i + 1 < arguments.Count ? arguments[++i] : throw new ConfigurationException($"go build's -{name} needs a value: -{name}=VALUE");
            }

            CheckValue(name, value, token);
            switch (name)
            {
                case "tags":
                    tags.AddRange(SplitTags(value!));
                    break;
                case "ldflags":
                    ldflags.Add(value!);
                    break;
                default:
                    others.Add(value is null ? $"-{name}" : $"-{name}={value}");
                    break;
            }
        }

        return (new GoBuildFlags(tags, ldflags, others), arguments.Skip(i).ToArray());
    }

    /// <summary>
    /// Checks <c>go test</c>'s flags for the build flags pibuild owns; go test's many own flags (-run, -count …) pass
    /// through unread.
    /// </summary>
    public static void CheckTestFlags(IReadOnlyList<string> flags)
    {
        for (var i = 0; i < flags.Count; i++)
        {
            var token = flags[i];
            if (!token.StartsWith('-') || token.Length == 1)
            {
                continue;
            }

            var (name, value) = Split(token);
            if (name is "o" or "toolexec" or "overlay" or "exec" or "C" or "json")
            {
                CheckAllowed(name, token);
            }

            if (name is "ldflags" or "gcflags" or "asmflags" or "tags" or "modfile" or "pkgdir")
            {
                // The build flags go test shares with go build: the same checks, their value inline or the next argument.
                var shown = value is null && i + 1 < flags.Count ? $"{token} {flags[i + 1]}" : token;
                value ??= i + 1 < flags.Count ? flags[++i] : "";
                CheckValue(name, value, shown);
            }
        }
    }

    /// <summary>Build tags as go reads them: comma-separated (or, as older releases wrote them, space-separated).</summary>
    public static IEnumerable<string> SplitTags(string value) => value.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The project's tags and linker flags first, so what the command line says comes last and wins.</summary>
    public GoBuildFlags After(ProjectConfig config) =>
        this with { Tags = [.. config.Tags, .. Tags], LdFlags = config.LdFlags is { } ld ? [ld, .. LdFlags] : LdFlags };

    /// <summary>True when a linker flag asks for the version or commit, which then has to be read from git.</summary>
    public bool NeedsSource => LdFlags.Any(f => f.Contains("{version}", StringComparison.Ordinal) || f.Contains("{commit}", StringComparison.Ordinal));

    /// <summary>
    /// A release's flags: paths trimmed and no build ID, so the same source gives the same bytes, and symbols stripped
    /// (<c>-s -w</c>, as goreleaser does) so packages pass lintian; these come first, so <c>ldflags: "-s=false
    /// -w=false"</c> keeps the symbols.
    /// </summary>
    public GoBuildFlags ForRelease()
    {
        foreach (var flag in Others.Where(f => f.StartsWith("-trimpath=", StringComparison.Ordinal)))
        {
            if (!bool.TryParse(flag["-trimpath=".Length..], out var on) || !on)
            {
                throw new ConfigurationException($"{flag}: a release always trims build-machine paths, so the same source gives the same binaries; drop the flag");
            }
        }

        return this with { Release = true, Others = [.. Others.Where(f => !f.StartsWith("-trimpath", StringComparison.Ordinal))] };
    }

    /// <summary>The flags for go build, with <c>{version}</c> and <c>{commit}</c> filled in.</summary>
    public IReadOnlyList<string> Arguments(string version = "", string commit = "")
    {
        string[] ldflags = Release ? ["-buildid= -s -w", .. LdFlags] : [.. LdFlags];
        return
        [
            .. Release ? ["-trimpath"] : Array.Empty<string>(),
            .. Tags.Count > 0 ? [$"-tags={string.Join(',', Tags.Distinct(StringComparer.Ordinal))}"] : Array.Empty<string>(),
            .. ldflags.Length > 0
                ? [$"-ldflags={string.Join(' ', ldflags).Replace("{version}", version, StringComparison.Ordinal).Replace("{commit}", commit, StringComparison.Ordinal)}"]
                : Array.Empty<string>(),
            .. Others,
        ];
    }

    private static (string Name, string? Value) Split(string token)
    {
        // go's flag package reads -name and --name alike, the value after '=' or as the next argument.
        var body = token.StartsWith("--", StringComparison.Ordinal) ? token[2..] : token[1..];
        var equals = body.IndexOf('=');
        return equals < 0 ? (body, null) : (body[..equals], body[(equals + 1)..]);
    }

    private static void CheckAllowed(string name, string token)
    {
        if (Refused.TryGetValue(name, out var why))
        {
            throw new ConfigurationException($"'{token}' is not passed to go: {why}");
        }
    }

    private static void CheckValue(string name, string? value, string token)
    {
        if (name == "buildmode" && value is not ("exe" or "pie" or "default"))
        {
            throw new ConfigurationException($"'{token}' is not passed to go: pibuild builds executables for a board (-buildmode=exe or pie), which it can verify and run");
        }

        if (name == "compiler" && value != "gc")
        {
            throw new ConfigurationException($"'{token}' is not passed to go: pibuild builds with Go's own compiler (gc)");
        }

        var where = $"'{ArchiveName.Display(token)}'";
        switch (name)
        {
            case "ldflags":
                GoToolFlags.CheckLinkerFlags(value!, where);
                break;
            case "gcflags":
                GoToolFlags.CheckCompilerFlags(value!, "compiler", where);
                break;
            case "asmflags":
                GoToolFlags.CheckCompilerFlags(value!, "assembler", where);
                break;
            case "tags":
                foreach (var tag in SplitTags(value!))
                {
                    GoToolFlags.CheckTag(tag, where);
                }

                break;
            case "modfile" when Path.IsPathRooted(value!) || value!.Replace('\\', '/').Split('/').Contains(".."):
                throw new ConfigurationException($"{where} is not passed to go: -modfile names a file outside the project, which go would read and write; keep it inside (-modfile=go.alt.mod)");
            case "pkgdir":
                throw new ConfigurationException($"{where} is not passed to go: it installs packages outside pibuild's per-board cache");
        }
    }
}
