using System.CommandLine;
using PiBuild.Cli.Common;
using PiBuild.Cli.Cross;
using PiBuild.Core;
using PiBuild.Core.Pipelines;

namespace PiBuild.Cli.Build;

/// <summary>
/// <c>pibuild build [PACKAGES...]</c> on the device: a native build with the same cache, output and verification
/// rules as <c>cross</c>, for the board pibuild detects (or <c>--target</c>).
/// </summary>
internal static class BuildCommand
{
    public static Command Create()
    {
        var command = new Command("build", "Build on the device itself, for the board it runs on")
        {
            SharedOptions.DeviceTarget, SharedOptions.Go, SharedOptions.GoIndex, SharedOptions.Cgo, SharedOptions.Tags, SharedOptions.LdFlags, CrossCommand.Output, CrossCommand.Packages,
        };
        command.SetHandler(async (context, parseResult, cancellationToken) =>
        {
            var (packages, passed) = SharedOptions.SplitAtDoubleDash(parseResult, CrossCommand.Packages);
            var request = new BuildRequest(parseResult.GetValue(SharedOptions.DeviceTarget) ?? [], packages, parseResult.GetValue(CrossCommand.Output),
                parseResult.GetValue(SharedOptions.Cgo), SharedOptions.GoFlags(parseResult, passed));
            CrossCommand.Render(context, await context.Workspace.BuildAsync(request, cancellationToken).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }
}
