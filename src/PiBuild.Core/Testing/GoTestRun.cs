using System.Text.Json;
using PiBuild.Core.Builds;
using PiBuild.Core.Processes;

namespace PiBuild.Core.Testing;

/// <summary>One package of a test run: failed (its tests, or its build), passed, or passed with no test files.</summary>
public sealed record TestedPackage(string Package, bool Failed, bool NoTestFiles, double Seconds, bool BuildFailed);

/// <summary>A test that failed, with everything it printed (what go test shows for it).</summary>
public sealed record FailedTest(string Package, string Test, string Output);

/// <summary>The outcome of <c>go test -json</c>, counted from its events.</summary>
/// <param name="Interrupted">Ctrl-C stopped the run: what is here is what ran before it.</param>
public sealed record GoTestReport(
    string Target,
    IReadOnlyList<TestedPackage> Packages,
    int Passed,
    int Failed,
    int Skipped,
    IReadOnlyList<FailedTest> FailedTests,
    string BuildOutput,
    bool Interrupted = false)
{
    public bool Succeeded => !Interrupted && Failed == 0 && Packages.All(p => !p.Failed);
}

/// <summary>
/// Runs a <see cref="GoTestPlan"/> and reads go test's JSON event stream as it arrives: per-package results,
/// test counts, and the output of each failing test. Compiler errors (which go test prints outside the
/// stream) are kept verbatim. An interrupted run still reports what go test said before it stopped.
/// </summary>
internal sealed class GoTestRun(ProcessRunner runner)
{
    public async Task<GoTestReport> RunAsync(GoTestPlan plan, Action<string>? onTestOutput, CancellationToken cancellationToken)
    {
        var events = new GoTestEvents(onTestOutput);
        ProcessResult result;
        try
        {
            result = await runner.RunAsync(plan.GoTest, new ProcessOutput(events.Add), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return events.Report(plan.Target.Name, "") with { Interrupted = true };
        }

        var report = events.Report(plan.Target.Name, result.StandardError);
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
        private readonly List<TestedPackage> _packages = [];
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
                if (Parse(line) is not { Action: { } action } e)
                {
                    _plain.Add(line);
                    return;
                }

                var key = (e.Package ?? "", e.Test ?? "");
                switch (action)
                {
                    case "run":
                        _running.Add(key);
                        break;
                    case "output":
                        Output(key, e.Output ?? "");
                        break;
                    case "pass" or "fail" or "skip" when key.Item2.Length > 0:
                        TestEnded(key, action);
                        break;
                    case "pass" or "fail" or "skip":
                        PackageEnded(key.Item1, action, e.Elapsed ?? 0);
                        break;
                }
            }
        }

        public GoTestReport Report(string target, string standardError)
        {
            lock (_gate)
            {
                // A test that started but never finished in a failed package was killed with it (a timeout, a
                // crash in another goroutine): it failed, and what it printed (the panic included) is its output.
                var failures = _failed.ToList();
                var failedPackages = _packages.Where(p => p.Failed).Select(p => p.Package).ToHashSet();
                foreach (var (package, test) in _running.Where(r => failedPackages.Contains(r.Package)))
                {
                    failures.Add(new FailedTest(package, test, OutputOf(package, test)));
                }

                // A package that failed with no failing test (a panic in init) still shows why.
                foreach (var package in _packages.Where(p => p.Failed && !p.BuildFailed && failures.All(f => f.Package != p.Package)))
                {
                    failures.Add(new FailedTest(package.Package, "", OutputOf(package.Package, "")));
                }

                var buildOutput = string.Join('\n', _plain.Append(standardError.TrimEnd()).Where(l => l.Length > 0));
                return new GoTestReport(target, _packages.ToArray(), _passed, failures.Count(f => f.Test.Length > 0), _skipped, failures, buildOutput);
            }
        }

        private static GoTestEvent? Parse(string line)
        {
            if (!line.StartsWith('{'))
            {
                return null;
            }

            try
            {
                return JsonSerializer.Deserialize(line, PiBuildJson.Default.GoTestEvent);
            }
            catch (JsonException)
            {
                return null;
            }
        }

        private void Output((string Package, string Test) key, string output)
        {
            if (output.Contains("[build failed]", StringComparison.Ordinal) || output.Contains("[setup failed]", StringComparison.Ordinal))
            {
                _buildFailed.Add(key.Package);
            }

            if (!_output.TryGetValue(key, out var lines))
            {
                _output[key] = lines = [];
            }

            lines.Add(output);
            onTestOutput?.Invoke(output.TrimEnd('\n'));
        }

        private void TestEnded((string Package, string Test) key, string action)
        {
            _running.Remove(key);
            switch (action)
            {
                case "pass": _passed++; break;
                case "skip": _skipped++; break;
                default: _failed.Add(new FailedTest(key.Package, key.Test, OutputOf(key.Package, key.Test))); break;
            }
        }

        private void PackageEnded(string package, string action, double elapsed)
        {
            var noTests = action == "skip" || (_output.GetValueOrDefault((package, "")) ?? []).Any(o => o.Contains("[no test files]", StringComparison.Ordinal));
            var failed = action == "fail";
            _packages.Add(new TestedPackage(package, failed, !failed && noTests, elapsed, _buildFailed.Contains(package)));
        }

        private string OutputOf(string package, string test) => string.Concat(_output.GetValueOrDefault((package, test)) ?? []);
    }
}
