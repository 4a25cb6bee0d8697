using System.CommandLine;
using PiBuild.Cli.Common;
using PiBuild.Core;
using PiBuild.Core.Binaries;

namespace PiBuild.Cli.Verify;

/// <summary>What <c>pibuild verify</c> was asked for.</summary>
internal sealed record VerifyRequest(string Target, IReadOnlyList<string> Files);

/// <summary><c>pibuild verify FILE... --target pi1</c>: the same proof <c>cross</c> runs, for any binary.</summary>
internal static class VerifyCommand
{
    private static readonly Argument<string[]> Files = new("FILE")
    {
        Description = "Binaries to check (a build's output, a toolchain's bin/go, a release artifact's contents)",
        Arity = ArgumentArity.OneOrMore,
    };

    public static Command Create()
    {
        var command = new Command("verify", "Check that binaries are right for a board: ELF machine, EABI5, static, GOOS/GOARCH/GOARM")
        {
            GlobalOptions.Target, Files,
        };
        command.SetHandler((context, parseResult, _) =>
        {
            var target = GlobalOptions.SingleTarget(parseResult, "verify");
            return Task.FromResult(Run(context, new VerifyRequest(target, parseResult.GetValue(Files) ?? [])));
        });
        return command;
    }

    private static int Run(CliContext context, VerifyRequest request)
    {
        var target = context.LoadCatalog().Get(request.Target);
        var missing = request.Files.FirstOrDefault(f => !File.Exists(f));
        if (missing is not null)
        {
            throw new ConfigurationException($"{missing}: no such file");
        }

        var checks = request.Files.Select(f => BinaryVerifier.Check(Path.GetFullPath(f), target)).ToArray();
        if (context.Json)
        {
            JsonOutput.Write(context.Out, new VerifyResultJson(checks.Select(c => BinaryJson.From(target.Name, c)).ToArray()), JsonOutput.Default.VerifyResultJson);
        }
        else
        {
            foreach (var check in checks.Where(c => c.Passed))
            {
                context.Say(BuildSteps.Line(target, check));
            }

            foreach (var check in checks.Where(c => !c.Passed))
            {
                context.Error.WriteLine($"pibuild: {CliContext.Display(check.Path)} is not a {target.Name} binary: {string.Join("; ", check.Problems)}");
            }
        }

        return checks.All(c => c.Passed) ? ExitCodes.Ok : ExitCodes.Failure;
    }
}
