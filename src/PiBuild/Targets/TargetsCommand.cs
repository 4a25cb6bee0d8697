using System.CommandLine;
using PiBuild.Cli.Common;
using PiBuild.Core.Targets;

namespace PiBuild.Cli.Targets;

/// <summary><c>pibuild targets [--json]</c> and <c>pibuild targets show NAME [--json]</c>.</summary>
internal static class TargetsCommand
{
    private static readonly Argument<string> Name = new("NAME") { Description = "The profile to show" };

    public static Command Create()
    {
        var show = new Command("show", "Print one profile, fully resolved (inheritance applied)") { Name };
        show.SetHandler((context, parseResult, _) => Task.FromResult(Show(context, parseResult.GetRequiredValue(Name))));

        var list = new Command("targets", "List the board profiles: built-in, the project's targets/, and the user's") { show };
        list.SetHandler((context, _, _) => Task.FromResult(List(context)));
        return list;
    }

    private static int List(CliContext context)
    {
        var profiles = context.LoadCatalog().All;
        if (context.Json)
        {
            JsonOutput.Write(context.Out, new TargetListJson(profiles.Select(TargetJson.From).ToArray()), JsonOutput.Default.TargetListJson);
            return ExitCodes.Ok;
        }

        string[] header = ["NAME", "BOARD", "GOOS/GOARCH", "GOARM", "CPU", "QEMU CPU", "FROM"];
        var rows = profiles.Select(p => new[]
        {
            p.Name, p.Board, $"{p.GoOs}/{p.GoArch}", p.GoArm?.ToString() ?? "-", p.Cpu, p.QemuCpu ?? "-", Source(p),
        }).ToArray();
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        foreach (var row in rows.Prepend(header))
        {
            context.Say(string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
        }

        return ExitCodes.Ok;
    }

    private static int Show(CliContext context, string name)
    {
        var p = context.LoadCatalog().Get(name);
        if (context.Json)
        {
            JsonOutput.Write(context.Out, TargetJson.From(p), JsonOutput.Default.TargetJson);
            return ExitCodes.Ok;
        }

        (string Key, string? Value)[] fields =
        [
            ("name", p.Name), ("board", p.Board), ("soc", p.Soc), ("cpu", p.Cpu), ("cores", p.Cores?.ToString()),
            ("clock_mhz", p.ClockMhz?.ToString()), ("isa", p.Isa), ("fpu", p.Fpu), ("memory_mb", p.MemoryMb?.ToString()),
            ("goos", p.GoOs), ("goarch", p.GoArch), ("goarm", p.GoArm?.ToString()), ("cgo", p.Cgo ? "true" : "false"),
            ("qemu_cpu", p.QemuCpu), ("thread_stack_kb", p.ThreadStackKb.ToString()),
            ("test_timeout_scale", p.TestTimeoutScale.ToString()),
            ("detect.models", p.Detect.Models.Count > 0 ? string.Join("; ", p.Detect.Models) : null),
            ("detect.cpu_part", p.Detect.CpuPart),
            ("bootstrap", p.Bootstrap is { } b ? string.Join(", ", new[] { $"from {b.From}", b.ArchiveArch is null ? null : $"archive {b.ArchiveArch}", b.Url, b.Sha256 is null ? null : $"sha256 {b.Sha256}" }.OfType<string>()) : null),
            ("extends", p.Extends.Count > 0 ? string.Join(" -> ", p.Extends) : null),
            ("from", Source(p)),
        ];
        foreach (var (key, value) in fields.Where(f => !string.IsNullOrEmpty(f.Value)))
        {
            context.Say($"{key + ":",-20} {value}");
        }

        return ExitCodes.Ok;
    }

    private static string Source(TargetProfile p) =>
        p.Origin.Layer == ProfileLayer.BuiltIn ? ProfileLayer.BuiltIn : $"{p.Origin.Layer} {CliContext.Display(p.Origin.File)}";
}
