using System.CommandLine;
using PiBuild.Cli.Common;
using PiBuild.Core;
using PiBuild.Core.Bootstrap;
using PiBuild.Core.Fetching;

namespace PiBuild.Cli.Bootstrap;

/// <summary>
/// <c>pibuild bootstrap [--target pi2] [--go VERSION] [--prefix DIR] [--all] [--keep-bootstrap] [--script] …</c>:
/// Go built from source on the device, with the board's limits; <c>--script</c> prints the same plan as sh.
/// </summary>
internal static class BootstrapCommand
{
    private static readonly Option<string?> GoVersion = new("--go") { Description = "The Go version to build (default: the newest stable release)", HelpName = "VERSION" };
    private static readonly Option<string?> Prefix = new("--prefix") { Description = "Where Go goes (default: $HOME/go); never a system location", HelpName = "DIR" };
    private static readonly Option<bool> All = new("--all") { Description = "Run src/all.bash (build and the full test suite) instead of make.bash" };
    private static readonly Option<bool> KeepBootstrap = new("--keep-bootstrap") { Description = "Keep the bootstrap toolchain afterwards" };
    private static readonly Option<bool> Script = new("--script") { Description = "Print the plan as a POSIX sh script (for boards without .NET) instead of running it" };
    private static readonly Option<string?> BootstrapUrl = new("--bootstrap-url") { Description = "The bootstrap toolchain tarball", HelpName = "URL" };
    private static readonly Option<string?> BootstrapSha256 = new("--bootstrap-sha256") { Description = "Its SHA-256", HelpName = "HEX" };
    private static readonly Option<string?> SourceUrl = new("--source-url") { Description = "The Go source tarball", HelpName = "URL" };
    private static readonly Option<string?> SourceSha256 = new("--source-sha256") { Description = "Its SHA-256", HelpName = "HEX" };
    private static readonly Option<string> Index = new("--index")
    {
        Description = "Go's download index (versions, files, checksums)",
        HelpName = "URL",
        DefaultValueFactory = _ => FetchRequest.GoIndex,
    };

    public static Command Create()
    {
        var command = new Command("bootstrap", "Build Go from source on the board: bootstrap toolchain, make.bash with ulimit -s and GO_TEST_TIMEOUT_SCALE, resumable")
        {
            SharedOptions.DeviceTarget, GoVersion, Prefix, All, KeepBootstrap, Script, BootstrapUrl, BootstrapSha256, SourceUrl, SourceSha256, Index,
        };
        command.SetHandler(async (context, parseResult, cancellationToken) =>
        {
            var request = new BootstrapRequest(
                parseResult.GetValue(SharedOptions.DeviceTarget) ?? [], parseResult.GetValue(GoVersion), parseResult.GetValue(Prefix),
                parseResult.GetValue(All), parseResult.GetValue(KeepBootstrap), parseResult.GetValue(BootstrapUrl), parseResult.GetValue(BootstrapSha256),
                parseResult.GetValue(SourceUrl), parseResult.GetValue(SourceSha256), parseResult.GetRequiredValue(Index));
            var plan = await context.Workspace.PlanBootstrapAsync(request, cancellationToken).ConfigureAwait(false);
            if (parseResult.GetValue(Script))
            {
                await context.Out.WriteAsync(plan.ToScript()).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            context.Print(Describe(plan));
            Render(context, plan, await context.Workspace.BootstrapAsync(plan, cancellationToken).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Render(CliContext context, BootstrapPlan plan, BootstrapResult result)
    {
        if (context.Json)
        {
            JsonOutput.Write(context.Out, new BootstrapResultJson(plan.Target.Name, plan.GoVersion, plan.Prefix, result.GoExecutable, result.LogPath, result.AlreadyBuilt, result.BootstrapRemoved, plan.PathLine),
                JsonOutput.Default.BootstrapResultJson);
            return;
        }

        context.Print($"{result.VersionLine}{(result.AlreadyBuilt ? " (already built)" : "")}");
        if (result.BootstrapRemoved)
        {
            context.Print($"removed the bootstrap toolchain {plan.BootstrapDirectory}");
        }

        context.Print($"add Go to your PATH: {plan.PathLine}");
    }

    private static string Describe(BootstrapPlan plan)
    {
        var target = plan.Target;
        var estimate = plan.EstimatedMinutes is { } minutes ? $"about {minutes} min on {target.Cores}× {target.ClockMhz} MHz, " : "";
        return $"""
            bootstrap plan for {target.Name} ({(target.Board.Length > 0 ? target.Board : $"{target.GoOs}/{target.GoArch}")}):
              go          {plan.GoVersion} from {plan.Source.Url}
                          sha256 {plan.Source.Sha256} ({plan.Source.ChecksumFrom})
              bootstrap   {plan.MinimumBootstrap} or later from {plan.Toolchain.Url}
                          sha256 {plan.Toolchain.Sha256} ({plan.Toolchain.ChecksumFrom})
              prefix      {plan.Prefix} (bootstrap toolchain in {plan.BootstrapDirectory}{(plan.KeepBootstrap ? ", kept" : ", removed afterwards")})
              build       src/{plan.BuildScript} with ulimit -s {target.ThreadStackKb}, GO_TEST_TIMEOUT_SCALE={target.TestTimeoutScale}{(target.LevelSetting is null ? "" : $", {target.LevelLabel}")}, GOROOT unset
              estimate    {estimate}{plan.DiskBytes / (1024 * 1024)} MiB of disk
            """;
    }
}
