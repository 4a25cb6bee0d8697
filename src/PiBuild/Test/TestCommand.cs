using System.CommandLine;
using PiBuild.Cli.Common;
using PiBuild.Core;
using PiBuild.Core.Pipelines;
using PiBuild.Core.Testing;

namespace PiBuild.Cli.Test;

/// <summary>
/// <c>pibuild test --target pi1 [PACKAGES...] [-- GO_TEST_FLAGS]</c>: the project's tests cross-compiled and run
/// under qemu-user with the board's CPU (natively on the board itself), with its stack limit and timeout scale.
/// </summary>
internal static class TestCommand
{
    private static readonly Argument<string[]> Arguments = new("PACKAGES")
    {
        Description = "Packages to test (default: all), then -- and flags for go test",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public static Command Create()
    {
        var command = new Command("test", "Run the project's Go tests on the board's CPU (qemu-user on a laptop, natively on the Pi, on your Pi with --on)")
        {
            SharedOptions.DeviceTarget, SharedOptions.On, SharedOptions.Go, SharedOptions.GoIndex, SharedOptions.Cgo, SharedOptions.Sysroot,
            SharedOptions.Tags, SharedOptions.LdFlags, Arguments,
        };
        command.SetHandler(async (context, parseResult, cancellationToken) =>
        {
            // Everything after "--" belongs to go test.
            var (packages, goTestFlags) = SharedOptions.SplitAtDoubleDash(parseResult, Arguments);
            var request = new TestRequest(parseResult.GetValue(SharedOptions.DeviceTarget) ?? [], packages, goTestFlags, parseResult.GetValue(SharedOptions.On),
                parseResult.GetValue(SharedOptions.Cgo), parseResult.GetValue(SharedOptions.Sysroot), SharedOptions.GoFlags(parseResult, []));
            var report = await context.Workspace.TestAsync(request, cancellationToken).ConfigureAwait(false);
            Render(context, report);
            return report.Interrupted ? CommandAction.Interrupted(context) : report.Succeeded ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return command;
    }

    private static void Render(CliContext context, GoTestReport report)
    {
        if (context.Json)
        {
            JsonOutput.Write(context.Out, new TestReportJson(
                report.Target,
                report.Packages.Select(p => new TestPackageJson(p.Package, p.Failed ? "failed" : p.NoTestFiles ? "notests" : "passed", p.Seconds, p.BuildFailed)).ToArray(),
                report.Passed, report.Failed, report.Skipped,
                report.FailedTests.Select(f => new FailedTestJson(f.Package, f.Test, f.Output)).ToArray(),
                report.BuildOutput, report.Interrupted), JsonOutput.Default.TestReportJson);
            return;
        }

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
            var line = package switch
            {
                { Failed: true } => $"FAIL  {package.Package}  {(package.BuildFailed ? "[build failed]" : $"{package.Seconds:0.00}s")}",
                { NoTestFiles: true } => $"?     {package.Package}  [no test files]",
                _ => $"ok    {package.Package}  {package.Seconds:0.00}s",
            };
            (package.Failed ? context.PrintImportant : (Action<string>)context.Print)(line);
        }

        var total = $"{report.Passed} passed, {report.Failed} failed, {report.Skipped} skipped";
        (report.Succeeded ? (Action<string>)context.Print : context.PrintImportant)(total);
    }
}
