using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;
using System.Runtime.CompilerServices;
using PiBuild.Core;

namespace PiBuild.Cli.Common;

/// <summary><c>pibuild --version</c>: the version, the commit it was built from, and whether it runs Native AOT or JIT.</summary>
internal sealed class VersionAction : SynchronousCommandLineAction
{
    public static string Describe()
    {
        var informational = typeof(VersionAction).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

        // The SDK appends "+<commit>" when the build knows its git commit.
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        var version = plus < 0 ? informational : informational[..plus];
        var commit = plus < 0 ? "unknown" : informational[(plus + 1)..][..Math.Min(12, informational.Length - plus - 1)];
        var kind = RuntimeFeature.IsDynamicCodeSupported ? "JIT" : "Native AOT";
        return $"pibuild {version} (commit {commit}, {kind}, .NET {Environment.Version})";
    }

    public override int Invoke(ParseResult parseResult)
    {
        parseResult.InvocationConfiguration.Output.WriteLine(Describe());
        return ExitCodes.Ok;
    }
}
