using System.CommandLine;
using PiBuild.Cli.Common;
using PiBuild.Core.Setup;

namespace PiBuild.Cli.Doctor;

/// <summary><c>pibuild doctor</c>: what this machine has, what is missing, and the command that fixes each.</summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var command = new Command("doctor", "Check Go, qemu-user, the cache and limits; print the fix for anything missing") { GlobalOptions.Go };
        command.SetHandler(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, ParseResult parseResult, CancellationToken cancellationToken)
    {
        var inspector = new SetupInspector(context.Runner, context.Paths, context.GetVariable);
        var checks = await inspector.InspectAsync(context.LoadCatalog(), context.GoPath, cancellationToken).ConfigureAwait(false);
        var ready = !checks.Any(c => c.Blocks);
        if (context.Json)
        {
            JsonOutput.Write(context.Out,
                new DoctorJson(ready, checks.Select(c => new DoctorCheckJson(c.Name, c.Status.ToString().ToLowerInvariant(), c.Detail, c.Fix, c.Required)).ToArray()),
                JsonOutput.Default.DoctorJson);
        }
        else
        {
            foreach (var check in checks)
            {
                var mark = check.Status switch { CheckStatus.Ok => "ok  ", CheckStatus.Warning => "warn", _ => "MISS" };
                var line = $"{mark}  {check.Name,-12} {check.Detail}";
                if (check.Status == CheckStatus.Ok)
                {
                    context.Say(line);
                }
                else
                {
                    // Problems are shown even with --quiet: they are the point of the command.
                    await context.Out.WriteLineAsync(line + (check.Fix is null ? "" : $"\n      fix: {check.Fix}")).ConfigureAwait(false);
                }
            }

            if (ready)
            {
                context.Say("pibuild is ready.");
            }
            else
            {
                await context.Error.WriteLineAsync("pibuild: a required piece is missing; run the fix shown above, then 'pibuild doctor' again").ConfigureAwait(false);
            }
        }

        return ready ? ExitCodes.Ok : ExitCodes.Failure;
    }
}
