namespace PiBuild.Cli.Test;

public sealed record TestPackageJson(string Package, string Outcome, double Seconds, bool BuildFailed);

public sealed record FailedTestJson(string Package, string Test, string Output);

public sealed record TestReportJson(string Target, IReadOnlyList<TestPackageJson> Packages, int Passed, int Failed, int Skipped, IReadOnlyList<FailedTestJson> FailedTests, string BuildOutput, bool Interrupted);
