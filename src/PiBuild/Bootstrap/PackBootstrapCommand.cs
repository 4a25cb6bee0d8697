using System.CommandLine;
using PiBuild.Cli.Common;
using PiBuild.Core;
using PiBuild.Core.Pipelines;

namespace PiBuild.Cli.Bootstrap;

/// <summary><c>pibuild pack-bootstrap --target pi1 [--go-src DIR] [-o DIR]</c>: a bootstrap toolchain tarball, made on the laptop.</summary>
internal static class PackBootstrapCommand
{
    private static readonly Option<string?> GoSource = new("--go-src") { Description = "A Go source tree (default: the GOROOT of the go in use)", HelpName = "DIR" };
    private static readonly Option<string?> Output = new("--output", "-o") { Description = "Where the .tbz and .sha256 go (default: the current directory)", HelpName = "DIR" };

    public static Command Create()
    {
        var command = new Command("pack-bootstrap", "Make go-<os>-<arch>-bootstrap.tbz (+ .sha256) for a board with Go's bootstrap.bash")
        {
            SharedOptions.Target, SharedOptions.Go, SharedOptions.GoIndex, GoSource, Output,
        };
        command.SetHandler(async (context, parseResult, cancellationToken) =>
        {
            var request = new PackBootstrapRequest(parseResult.GetValue(SharedOptions.Target) ?? [], parseResult.GetValue(GoSource), parseResult.GetValue(Output));
            var (target, result) = await context.Workspace.PackBootstrapAsync(request, cancellationToken).ConfigureAwait(false);
            context.Print($"{CliContext.Display(result.Archive)}  {ByteSize.Format(result.Size)}  sha256 {result.Sha256}");
            context.Print(BinaryLine.Format(target.Name, result.GoCheck));
            context.Print($"serve it and bootstrap with: pibuild bootstrap --target {target.Name} --bootstrap-url URL --bootstrap-sha256 {result.Sha256}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
