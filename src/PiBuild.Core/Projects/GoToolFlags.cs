using PiBuild.Core.FileSystem;

namespace PiBuild.Core.Projects;

/// <summary>
/// What pibuild lets through to Go's linker, compiler and assembler (<c>-ldflags</c>, <c>-gcflags</c>,
/// <c>-asmflags</c>), from pibuild.yaml and the command line alike: nothing that runs another program, writes a file
/// outside the build, or makes the tool print its usage instead of building. Go reads these values as space-separated
/// fields, each optionally quoted with ' or ", and so does this check.
/// </summary>
internal static class GoToolFlags
{
    /// <summary>The linker's flags that run a program or write a file, and why each is refused.</summary>
    private static readonly Dictionary<string, string> RefusedLinkerFlags = new(StringComparer.Ordinal)
    {
        ["o"] = "it makes the linker write the binary somewhere else; choose the directory with -o/--output DIR",
        ["extld"] = "it runs another program as the external linker; pibuild uses the board's C compiler (cgo: true)",
        ["extar"] = "it runs another program as the archiver",
        ["tmpdir"] = "it makes the linker write outside the build",
        ["cpuprofile"] = "it writes a file outside the build",
        ["memprofile"] = "it writes a file outside the build",
        ["benchmarkprofile"] = "it writes a file outside the build",
        ["capturehostobjs"] = "it writes files outside the build",
    };

    /// <summary>The linker's flags that take a value as the next field (<c>-X main.v=1</c>).</summary>
    private static readonly HashSet<string> LinkerFlagsWithValue = new(StringComparer.Ordinal)
    {
        "B", "E", "H", "I", "L", "R", "T", "X", "buildid", "buildmode", "extar", "extld", "extldflags", "fieldtrack", "installsuffix", "k",
        "libgcc", "linkmode", "o", "r", "tmpdir", "cpuprofile", "memprofile", "memprofilerate", "benchmark", "benchmarkprofile", "importcfg",
        "pluginpath", "strictdups", "capturehostobjs", "checklinkname", "bindnow",
    };

    /// <summary>The compiler's and assembler's flags that write a file outside the build.</summary>
    private static readonly HashSet<string> RefusedCompilerFlags = new(StringComparer.Ordinal)
    {
        "o", "linkobj", "asmhdr", "cpuprofile", "memprofile", "blockprofile", "mutexprofile", "traceprofile", "bench", "json", "gensymabis",
    };

    /// <summary>
    /// Checks linker flags. <paramref name="where"/> names them for the message: "'-ldflags=…'" or "pibuild.yaml:3:10: 'ldflags'".
    /// </summary>
    public static void CheckLinkerFlags(string value, string where)
    {
        var fields = Split(value, where);
        for (var i = 0; i < fields.Count; i++)
        {
            var field = fields[i];
            if (!field.StartsWith('-') || field == "-")
            {
                throw new ConfigurationException($"{where}: '{Show(field)}' is not a linker flag (go's linker would stop and print its usage); write flags such as -s -w -X main.version=1.0");
            }

            var (name, inline) = NameOf(field);
            if (RefusedLinkerFlags.TryGetValue(name, out var why))
            {
                throw new ConfigurationException($"{where}: the linker flag '{Show(field)}' is not passed to go: {why}");
            }

            var flagValue = inline;
            if (inline is null && LinkerFlagsWithValue.Contains(name) && i + 1 < fields.Count)
            {
                flagValue = fields[++i];
            }

            if (name == "extldflags" && flagValue is not null)
            {
                CheckExternalLinkerFlags(flagValue, where);
            }
        }
    }

    /// <summary>Checks <c>-gcflags</c> or <c>-asmflags</c> (<c>[PATTERN=]FLAGS</c>, as go build reads them).</summary>
    public static void CheckCompilerFlags(string value, string tool, string where)
    {
        // go build reads "pattern=flags" when the value does not start with '-'.
        var flags = value.StartsWith('-') || !value.Contains('=', StringComparison.Ordinal) ? value : value[(value.IndexOf('=', StringComparison.Ordinal) + 1)..];
        foreach (var field in Split(flags, where).Where(f => f.StartsWith('-')))
        {
            if (RefusedCompilerFlags.Contains(NameOf(field).Name))
            {
                throw new ConfigurationException($"{where}: the {tool} flag '{Show(field)}' is not passed to go: it writes a file outside the build, so the build would not be only the binary pibuild verifies");
            }
        }
    }

    /// <summary>A build tag as go accepts it in a //go:build line.</summary>
    public static void CheckTag(string tag, string where)
    {
        if (!ProjectConfig.BuildTag().IsMatch(tag))
        {
            throw new ConfigurationException($"{where}: build tags are letters, digits, '_' and '.', not '{Show(tag)}'");
        }
    }

    /// <summary>Fields as go's cmd/internal/quoted splits them: spaces between, a field may be quoted with ' or ".</summary>
    public static IReadOnlyList<string> Split(string value, string where)
    {
        var fields = new List<string>();
        var i = 0;
        while (i < value.Length)
        {
            if (char.IsWhiteSpace(value[i]))
            {
                i++;
                continue;
            }

            if (value[i] is '\'' or '"')
            {
                var end = value.IndexOf(value[i], i + 1);
                if (end < 0)
                {
                    throw new ConfigurationException($"{where}: a {value[i]} quote is not closed; go would refuse the flags");
                }

                fields.Add(value[(i + 1)..end]);
                i = end + 1;
                continue;
            }

            var start = i;
            while (i < value.Length && !char.IsWhiteSpace(value[i]))
            {
                i++;
            }

            fields.Add(value[start..i]);
        }

        return fields;
    }

    /// <summary>The C compiler driver's flags must not name another program or output (-o, -B, -fuse-ld, a response file …).</summary>
    private static void CheckExternalLinkerFlags(string value, string where)
    {
        foreach (var field in Split(value, where))
        {
            var named = field.StartsWith("-Wl,", StringComparison.Ordinal)
                ? field[4..].Split(',').Any(p => p.StartsWith('@') || p is "-o" or "--output" or "-Map" or "--Map" or "-plugin" or "--plugin"
                    || p.StartsWith("--output=", StringComparison.Ordinal) || p.StartsWith("-Map=", StringComparison.Ordinal) || p.StartsWith("--Map=", StringComparison.Ordinal) || p.StartsWith("--plugin=", StringComparison.Ordinal))
                : field.StartsWith('@') || DriverPrefixes.Any(prefix => field.StartsWith(prefix, StringComparison.Ordinal));
            if (named)
            {
                throw new ConfigurationException($"{where}: the external linker flag '{Show(field)}' is not passed to go: it names another program or output, so pibuild could not vouch for what was linked");
            }
        }
    }

    /// <summary>gcc's options that choose an output, a program to run, or a file to read options from.</summary>
    private static readonly string[] DriverPrefixes = ["-o", "--output", "-B", "-fuse-ld", "--ld-path", "-wrapper", "-specs", "--specs", "-fplugin", "-plugin", "-save-temps", "-dumpdir", "-dumpbase", "-Xlinker", "-M", "--sysroot"];

    private static (string Name, string? Value) NameOf(string field)
    {
        var body = field.StartsWith("--", StringComparison.Ordinal) ? field[2..] : field[1..];
        var equals = body.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? (body, null) : (body[..equals], body[(equals + 1)..]);
    }

    private static string Show(string text) => ArchiveName.Display(text.Length > 60 ? text[..60] + "…" : text);
}
