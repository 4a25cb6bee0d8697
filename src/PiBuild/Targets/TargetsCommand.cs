using System.CommandLine;
using PiBuild.Cli.Common;
using PiBuild.Core;
using PiBuild.Core.Pipelines;
using PiBuild.Core.Targets;

namespace PiBuild.Cli.Targets;

/// <summary><c>pibuild targets [--json]</c> and <c>pibuild targets show NAME [--json]</c>.</summary>
internal static class TargetsCommand
{
    private static readonly Argument<string> Name = new("NAME") { Description = "The profile to show" };

    public static Command Create()
    {
        var show = new Command("show", "Print one profile, fully resolved (inheritance applied)") { Name };
        show.SetHandler((context, parseResult, _) =>
        {
            Show(context, context.Workspace.Target(parseResult.GetRequiredValue(Name)));
            return Task.FromResult(ExitCodes.Ok);
        });

        var detect = new Command("detect", "Say which board this is (or the device --on names): its model, CPU and userland, and the profile that fits")
        {
            SharedOptions.On,
        };
        detect.SetHandler(async (context, parseResult, cancellationToken) =>
        {
            var on = parseResult.GetValue(SharedOptions.On);
            if (context.Workspace.IsFleet(on))
            {
                var boards = await context.Workspace.DetectFleetAsync(on ?? context.Workspace.DeviceOn ?? "", cancellationToken).ConfigureAwait(false);
                Detected(context, boards);
                return boards.All(b => b.Problem is null) ? ExitCodes.Ok : ExitCodes.Failure;
            }

            Detected(context, await context.Workspace.DetectAsync(on, cancellationToken).ConfigureAwait(false));
            return ExitCodes.Ok;
        });

        var list = new Command("targets", "List the board profiles: built-in, the project's targets/, and the user's") { show, detect };
        list.SetHandler((context, _, _) =>
        {
            List(context, context.Workspace.Targets());
            return Task.FromResult(ExitCodes.Ok);
        });
        return list;
    }

    private static void List(CliContext context, IReadOnlyList<TargetProfile> profiles)
    {
        if (context.Json)
        {
            JsonOutput.Write(context.Out, new TargetsJson(profiles.Select(p => p.ToJson()).ToArray()), JsonOutput.Default.TargetsJson);
            return;
        }

        // LEVEL is GOARM for 32-bit boards, GOARM64 for 64-bit ones.
        string[] header = ["NAME", "BOARD", "GOOS/GOARCH", "LEVEL", "CPU", "QEMU CPU", "FROM"];
        var rows = profiles.Select(p => new[]
        {
            p.Name, p.Board, $"{p.GoOs}/{p.GoArch}", p.LevelSetting ?? "-", p.Cpu, p.QemuCpu ?? "-", Source(p),
        }).ToArray();
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        foreach (var row in rows.Prepend(header))
        {
            context.Print(string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
        }
    }

    /// <summary>Every key of the profile that has a value, in the order the keys are declared.</summary>
    private static void Show(CliContext context, TargetProfile profile)
    {
        if (context.Json)
        {
            JsonOutput.Write(context.Out, profile.ToJson(), JsonOutput.Default.JsonObject);
            return;
        }

        (string Key, string? Value)[] fields =
        [
            ("name", profile.Name),
            .. profile.Shown(),
            ("extends", profile.Extends.Count > 0 ? string.Join(" -> ", profile.Extends) : null),
            ("from", Source(profile)),
        ];
        var shown = fields.Where(f => !string.IsNullOrEmpty(f.Value)).ToArray();
        var width = shown.Max(f => f.Key.Length) + 2;
        foreach (var (key, value) in shown)
        {
            context.Print($"{(key + ":").PadRight(width)}{value}");
        }
    }

    /// <summary>A table of every device: board, userland, reachable; a device pibuild could not ask says why.</summary>
    private static void Detected(CliContext context, IReadOnlyList<FleetBoard> boards)
    {
        if (context.Json)
        {
            JsonOutput.Write(context.Out, new FleetDetectedJson(boards.Select(b => new FleetBoardJson(
                b.Name, b.Address, b.Board is not null, b.Board?.Profile?.Name, b.Board?.Model, b.Board?.UserlandBits, b.Problem)).ToArray()), JsonOutput.Default.FleetDetectedJson);
            return;
        }

        string[] header = ["DEVICE", "ADDRESS", "TARGET", "BOARD", "USERLAND", "REACHABLE"];
        var rows = boards.Select(b => new[]
        {
            b.Name, b.Address, b.Board?.Profile?.Name ?? "-", b.Board?.Model ?? (b.Board?.CpuPart is { } part ? $"CPU part {part}" : "-"),
            b.Board?.UserlandBits is { } bits ? $"{bits}-bit" : "-", b.Board is null ? "no: " + b.Problem : b.Problem is null ? "yes" : "yes: " + b.Problem,
        }).ToArray();
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        foreach (var row in rows.Prepend(header))
        {
            context.Print(string.Join("  ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
        }
    }

    private static void Detected(CliContext context, DetectedBoard board)
    {
        var profile = board.Profile!;
        if (context.Json)
        {
            JsonOutput.Write(context.Out, new DetectedJson(profile.Name, board.Model, board.CpuPart, board.UserlandBits, profile.ToJson()), JsonOutput.Default.DetectedJson);
            return;
        }

        var seen = board.Model ?? $"CPU part {board.CpuPart}";
        var userland = board.UserlandBits is { } bits ? $", {bits}-bit userland" : "";
        var level = profile.LevelSetting is null ? "" : $" {profile.LevelLabel}";
        context.Print($"{profile.Name}  {seen}{userland}  ({profile.Board}: {profile.GoOs}/{profile.GoArch}{level})");
    }

    private static string Source(TargetProfile p) =>
        p.IsBuiltIn ? p.Layer : $"{p.Layer} {CliContext.Display(p.File)}";
}
