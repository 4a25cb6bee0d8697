using System.CommandLine;
using PiBuild.Cli.Common;
using PiBuild.Core;
using PiBuild.Core.Pipelines;
using PiBuild.Core.Setup;

namespace PiBuild.Cli.Doctor;

/// <summary><c>pibuild doctor</c>: what this machine has, what is missing, and the command that fixes each.</summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var command = new Command("doctor", "Check Go, qemu-user, the cache and limits; print the fix for anything missing") { SharedOptions.Go, SharedOptions.GoIndex };
        command.SetHandler(async (context, _, cancellationToken) =>
        {
            var report = await context.Workspace.DoctorAsync(cancellationToken).ConfigureAwait(false);
            Render(context, report);
            return report.Ready ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return command;
    }

    private static void Render(CliContext context, DoctorReport report)
    {
        if (context.Json)
        {
            JsonOutput.Write(context.Out,
                new DoctorJson(report.Ready, report.Checks.Select(c => new DoctorCheckJson(c.Name, c.Status.ToString().ToLowerInvariant(), c.Detail, c.Fix, c.Required)).ToArray()),
                JsonOutput.Default.DoctorJson);
            return;
        }

        foreach (var check in report.Checks)
        {
            var mark = check.Status switch { CheckStatus.Ok => "ok  ", CheckStatus.Warning => "warn", _ => "MISS" };
            var line = $"{mark}  {check.Name,-12} {check.Detail}";

            // Problems are shown even with --quiet: they are the point of the command.
            (check.Status == CheckStatus.Ok ? (Action<string>)context.Print : context.PrintImportant)(line + (check.Fix is null || check.Status == CheckStatus.Ok ? "" : $"\n      fix: {check.Fix}"));
        }

        if (report.Ready)
        {
            context.Print("pibuild is ready.");
        }
        else
        {
            context.Error.WriteLine("pibuild: a required piece is missing; run the fix shown above, then 'pibuild doctor' again");
        }
    }
}
