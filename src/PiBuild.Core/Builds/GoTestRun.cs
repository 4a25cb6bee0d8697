using System.Text.Json;
using PiBuild.Core.Processes;

namespace PiBuild.Core.Builds;

public enum PackageOutcome
{
    Passed,
    Failed,
    NoTests,
}

public sealed record PackageResult(string Package, PackageOutcome Outcome, double Seconds, bool BuildFailed);

/// <summary>A test that failed, with everything it printed (what go test shows for it).</summary>
public sealed record FailedTest(string Package, string Test, string Output);

/// <summary>The outcome of <c>go test -json</c>, counted from its events.</summary>
public sealed record GoTestReport(
    IReadOnlyList<PackageResult> Packages,
    int Passed,
    int Failed,
    int Skipped,
    IReadOnlyList<FailedTest> FailedTests,
    string BuildOutput)
{
    public bool Succeeded => Failed == 0 && Packages.All(p => p.Outcome != PackageOutcome.Failed);
}

/// <summary>
/// Runs a <see cref="GoTestPlan"/> and reads go test's JSON event stream as it arrives: per-package results,
/// test counts, and the output of each failing test. Compiler errors (which go test prints outside the
/// stream) are kept verbatim.
/// </summary>
public sealed class GoTestRun(ProcessRunner runner)
{
    public async Task<GoTestReport> RunAsync(GoTestPlan plan, Action<string>? onTestOutput, CancellationToken cancellationToken)
    {
        var events = new GoTestEvents(onTestOutput);
        var result = await runner.RunAsync(plan.GoTest, new ProcessOutput(events.Add), cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        var report = events.Report(result.StandardError);
        if (!result.Succeeded && report.Packages.Count == 0)
        {
            // Nothing ran at all: a package that does not exist, or a flag go test rejects.
            throw GoBuildFailure.From("go test", plan.Target.Name, plan.GoTest.WorkingDirectory, result);
        }

        return report;
    }

    private sealed class GoTestEvents(Action<string>? onTestOutput)
    {
        private readonly Lock _gate = new();
        private readonly List<PackageResult> _packages = [];
        private readonly Dictionary<(string Package, string Test), List<string>> _output = [];
        private readonly List<FailedTest> _failed = [];
        private readonly HashSet<string> _buildFailed = [];
        private readonly List<string> _plain = [];
        private readonly List<(string Package, string Test)> _running = [];
        private int _passed;
        private int _skipped;

        public void Add(string line)
        {
            lock (_gate)
            {
                if (!line.StartsWith('{'))
                {
                    _plain.Add(line);
                    return;
                }

                using var json = JsonDocument.Parse(line);
                var e = json.RootElement;
                string Text(string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
                var action = Text("Action");
                var package = Text("Package");
                var test = Text("Test");
                var elapsed = e.TryGetProperty("Elapsed", out var el) && el.ValueKind == JsonValueKind.Number ? el.GetDouble() : 0;
                switch (action)
                {
                    case "run":
                        _running.Add((package, test));
                        break;
                    case "output":
                        var output = Text("Output");
                        if (output.Contains("[build failed]", StringComparison.Ordinal) || output.Contains("[setup failed]", StringComparison.Ordinal))
                        {
                            _buildFailed.Add(package);
                        }

                        if (!_output.TryGetValue((package, test), out var lines))
                        {
                            _output[(package, test)] = lines = [];
                        }

                        lines.Add(output);
                        onTestOutput?.Invoke(output.TrimEnd('\n'));
                        break;
                    case "pass" or "fail" or "skip" when test.Length > 0:
                        _running.Remove((package, test));
                        if (action == "pass")
                        {
                            _passed++;
                        }
                        else if (action == "skip")
                        {
                            _skipped++;
                        }
                        else
                        {
                            _failed.Add(new FailedTest(package, test, string.Concat(_output.GetValueOrDefault((package, test)) ?? [])));
                        }

                        break;
                    case "pass" or "fail" or "skip":
                        var noTests = action == "skip" || (_output.GetValueOrDefault((package, "")) ?? []).Any(o => o.Contains("[no test files]", StringComparison.Ordinal));
                        var outcome = action == "fail" ? PackageOutcome.Failed : noTests ? PackageOutcome.NoTests : PackageOutcome.Passed;
                        _packages.Add(new PackageResult(package, outcome, elapsed, _buildFailed.Contains(package)));
                        break;
                }
            }
        }

        public GoTestReport Report(string standardError)
        {
            lock (_gate)
            {
                // A test that started but never finished in a failed package was killed with it (a timeout, a
                // crash in another goroutine): it failed, and what it printed (the panic included) is its output.
                var failures = _failed.ToList();
                var failedPackages = _packages.Where(p => p.Outcome == PackageOutcome.Failed).Select(p => p.Package).ToHashSet();
                foreach (var (package, test) in _running.Where(r => failedPackages.Contains(r.Package)))
                {
                    failures.Add(new FailedTest(package, test, string.Concat(_output.GetValueOrDefault((package, test)) ?? [])));
                }

                // A package that failed with no failing test (a panic in init) still shows why.
                foreach (var package in _packages.Where(p => p.Outcome == PackageOutcome.Failed && !p.BuildFailed && failures.All(f => f.Package != p.Package)))
                {
                    failures.Add(new FailedTest(package.Package, "", string.Concat(_output.GetValueOrDefault((package.Package, "")) ?? [])));
                }

                var buildOutput = string.Join('\n', _plain.Append(standardError.TrimEnd()).Where(l => l.Length > 0));
                return new GoTestReport(_packages.ToArray(), _passed, failures.Count(f => f.Test.Length > 0), _skipped, failures, buildOutput);
            }
        }
    }
}
