using System.CommandLine;
using PiBuild.Cli.Common;
using PiBuild.Core.Builds;
using PiBuild.Core.Emulation;
using PiBuild.Core.Projects;

namespace PiBuild.Cli.Test;

/// <summary>What <c>pibuild test</c> was asked for.</summary>
internal sealed record TestRequest(string? Target, IReadOnlyList<string> Packages, IReadOnlyList<string> GoTestFlags);

/// <summary>
/// <c>pibuild test --target pi1 [PACKAGES...] [-- GO_TEST_FLAGS]</c>: the project's tests cross-compiled and run
/// under qemu-user with the board's CPU (natively on the board itself), with its stack limit and timeout scale.
/// </summary>
internal static class TestCommand
{
    private static readonly Option<string?> Target = new("--target", "-t")
    {
        Description = "The board (default on a Pi: the one detected)",
        HelpName = "NAME",
    };

    private static readonly Argument<string[]> Arguments = new("PACKAGES")
    {
        Description = "Packages to test (default: all), then -- and flags for go test",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public static Command Create()
    {
        var command = new Command("test", "Run the project's Go tests on the board's CPU (qemu-user on a laptop, natively on the Pi)")
        {
            Target, GlobalOptions.Go, Arguments,
        };
        command.SetHandler((context, parseResult, cancellationToken) =>
        {
            // Everything after "--" belongs to go test; System.CommandLine hands it over as plain arguments.
            var all = parseResult.GetValue(Arguments) ?? [];
            var separator = Array.IndexOf(parseResult.Tokens.Select(t => t.Value).ToArray(), "--");
            var flagCount = separator < 0 ? 0 : parseResult.Tokens.Count - separator - 1;
            var packages = all.Take(all.Length - flagCount).ToArray();
            var flags = all.Skip(all.Length - flagCount).ToArray();
            return RunAsync(context, new TestRequest(parseResult.GetValue(Target), packages, flags), cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, TestRequest request, CancellationToken cancellationToken)
    {
        var catalog = context.LoadCatalog();
        var target = BoardSelection.Resolve(context, catalog, request.Target);
        var project = GoProject.Detect(context.ProjectDirectory);
        var toolchain = await context.LocateGoAsync(cancellationToken).ConfigureAwait(false);
        var qemu = QemuUser.IsNative(target, toolchain.HostOs, toolchain.HostArch) ? null : QemuUser.Locate(target, context.GetVariable);
        var plan = GoTestPlanner.Plan(new GoTestRequest(target, request.Packages, request.GoTestFlags), project, toolchain, context.Paths, qemu);
        if (context.Verbose)
        {
            await context.Error.WriteLineAsync($"# {target.Name}: (cd {plan.GoTest.WorkingDirectory} && {plan.GoTest.ToShellLine()})").ConfigureAwait(false);
        }

        var report = await new GoTestRun(context.Runner).RunAsync(plan, context.Verbose ? context.Out.WriteLine : null, cancellationToken).ConfigureAwait(false);
        if (context.Json)
        {
            JsonOutput.Write(context.Out, new TestReportJson(
                target.Name,
                report.Packages.Select(p => new TestPackageJson(p.Package, p.Outcome.ToString().ToLowerInvariant(), p.Seconds, p.BuildFailed)).ToArray(),
                report.Passed, report.Failed, report.Skipped,
                report.FailedTests.Select(f => new FailedTestJson(f.Package, f.Test, f.Output)).ToArray(),
                report.BuildOutput), JsonOutput.Default.TestReportJson);
        }
        else
        {
            Print(context, report);
        }

        return report.Succeeded ? ExitCodes.Ok : ExitCodes.Failure;
    }

    private static void Print(CliContext context, GoTestReport report)
    {
        // Failures are shown even with --quiet: they are what the user must read.
        if (report.BuildOutput.Length > 0 && report.Packages.Any(p => p.BuildFailed))
        {
            context.Error.WriteLine(report.BuildOutput);
        }

        foreach (var failure in report.FailedTests.Where(_ => !context.Verbose))
        {
            context.Out.Write(failure.Output);
        }

        foreach (var package in report.Packages)
        {
            var line = package.Outcome switch
            {
                PackageOutcome.Passed => $"ok    {package.Package}  {package.Seconds:0.00}s",
                PackageOutcome.NoTests => $"?     {package.Package}  [no test files]",
                _ => $"FAIL  {package.Package}  {(package.BuildFailed ? "[build failed]" : $"{package.Seconds:0.00}s")}",
            };
            if (package.Outcome == PackageOutcome.Failed)
            {
                context.Out.WriteLine(line);
            }
            else
            {
                context.Say(line);
            }
        }

        var total = $"{report.Passed} passed, {report.Failed} failed, {report.Skipped} skipped";
        if (report.Succeeded)
        {
            context.Say(total);
        }
        else
        {
            context.Out.WriteLine(total);
        }
    }
}
