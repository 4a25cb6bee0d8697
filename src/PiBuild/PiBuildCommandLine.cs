using System.CommandLine;
using PiBuild.Core;
using PiBuild.Cli.Bootstrap;
using PiBuild.Cli.Build;
using PiBuild.Cli.Common;
using PiBuild.Cli.Completion;
using PiBuild.Cli.Cross;
using PiBuild.Cli.Doctor;
using PiBuild.Cli.Fetch;
using PiBuild.Cli.Release;
using PiBuild.Cli.Run;
using PiBuild.Cli.Targets;
using PiBuild.Cli.Test;
using PiBuild.Cli.Toolchains;
using PiBuild.Cli.Verify;

namespace PiBuild.Cli;

/// <summary>The <c>pibuild</c> command tree. Each command lives in its own folder; this only registers them.</summary>
public static class PiBuildCommandLine
{
    public static RootCommand Create()
    {
        var root = new RootCommand("pibuild: Go programs for Raspberry Pi boards, built into a writable cache and proven to run on the board's CPU.")
        {
            GlobalOptions.Verbose,
            GlobalOptions.Quiet,
            GlobalOptions.Json,
            GlobalOptions.Directory,
            TargetsCommand.Create(),
            CrossCommand.Create(),
            BuildCommand.Create(),
            RunCommand.Create(),
            VerifyCommand.Create(),
            FetchCommand.Create(),
            TestCommand.Create(),
            BootstrapCommand.Create(),
            PackBootstrapCommand.Create(),
            ReleaseCommand.Create(),
            DoctorCommand.Create(),
            ToolchainsCommand.Create(),
            CompletionCommand.Create(),
        };
        root.Options.OfType<VersionOption>().Single().Action = new VersionAction();
        return root;
    }

    public static async Task<int> InvokeAsync(string[] args, TextWriter output, TextWriter error)
    {
        var parseResult = Create().Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            // System.CommandLine exits 1 on parse errors; a usage error is 2 here, like every other usage error.
            foreach (var parseError in parseResult.Errors)
            {
                await error.WriteLineAsync($"pibuild: {parseError.Message}").ConfigureAwait(false);
            }

            await error.WriteLineAsync("Run 'pibuild --help' for usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var configuration = new InvocationConfiguration
        {
            Output = output,
            Error = error,
            EnableDefaultExceptionHandler = false,

            // On Ctrl-C the running command is cancelled and given this long to stop its children and clean up.
            ProcessTerminationTimeout = TimeSpan.FromSeconds(20),
        };
        return await parseResult.InvokeAsync(configuration).ConfigureAwait(false);
    }
}
