using System.CommandLine;
using PiBuild.Cli.Bootstrap;
using PiBuild.Cli.Build;
using PiBuild.Cli.Common;
using PiBuild.Cli.Completion;
using PiBuild.Cli.Cross;
using PiBuild.Cli.Deploy;
using PiBuild.Cli.Device;
using PiBuild.Cli.DeviceExec;
using PiBuild.Cli.Doctor;
using PiBuild.Cli.Fetch;
using PiBuild.Cli.Image;
using PiBuild.Cli.Layout;
using PiBuild.Cli.Release;
using PiBuild.Cli.Run;
using PiBuild.Cli.Sysroot;
using PiBuild.Cli.Targets;
using PiBuild.Cli.Test;
using PiBuild.Cli.Toolchains;
using PiBuild.Cli.Verify;
using PiBuild.Core;

namespace PiBuild.Cli;

/// <summary>The <c>pibuild</c> command tree. Each command lives in its own folder; this only registers them.</summary>
public static partial class PiBuildCommandLine
{
    /// <summary>Every command by its name, built only when asked for: a run builds the command it runs and no other.</summary>
    private static readonly (string Name, Func<Command> Create)[] Commands =
    [
        ("targets", TargetsCommand.Create),
        ("cross", CrossCommand.Create),
        ("build", BuildCommand.Create),
        ("run", RunCommand.Create),
        ("verify", VerifyCommand.Create),
        ("fetch", FetchCommand.Create),
        ("test", TestCommand.Create),
        ("deploy", DeployCommand.Create),
        ("device", DeviceCommand.Create),
        ("image", ImageCommand.Create),
        ("sysroot", SysrootCommand.Create),
        ("layout", LayoutCommand.Create),
        ("bootstrap", BootstrapCommand.Create),
        ("pack-bootstrap", PackBootstrapCommand.Create),
        ("release", ReleaseCommand.Create),
        ("doctor", DoctorCommand.Create),
        ("toolchains", ToolchainsCommand.Create),
        ("completion", CompletionCommand.Create),
        ("device-exec", DeviceExecCommand.Create),
    ];

    /// <summary>The names <see cref="Create"/> knows without building anything (a spec holds them to the commands' own).</summary>
    internal static IEnumerable<string> CommandNames => Commands.Select(c => c.Name);

    /// <summary>The command tree: whole (help, completion, a mistyped command), or with just the named command in it.</summary>
    public static RootCommand Create(string? only = null)
    {
        var root = new RootCommand("pibuild: Go programs for Raspberry Pi boards, built into a writable cache and proven to run on the board's CPU.")
        {
            GlobalOptions.Verbose,
            GlobalOptions.Quiet,
            GlobalOptions.Json,
            GlobalOptions.Directory,
        };
        foreach (var (name, create) in Commands)
        {
            if (only is null || only == name)
            {
                root.Subcommands.Add(create());
            }
        }

        root.Options.OfType<VersionOption>().Single().Action = new VersionAction();
        return root;
    }

    /// <summary>
    /// The command this command line runs, found by the same rule the parser follows (global options first, -C with its
    /// value): null when it names none (--version, --help, a mistake), and then the whole tree is built.
    /// </summary>
    internal static string? CommandToBuild(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == GlobalOptions.Directory.Name || GlobalOptions.Directory.Aliases.Contains(arg))
            {
                i++;
                continue;
            }

            if (arg.StartsWith('-') || arg.StartsWith('['))
            {
                // --verbose, -q, --json, -C=DIR; a directive ([suggest]) wants the whole tree.
                if (arg.StartsWith('[') || arg is "--help" or "-h" or "-?")
                {
                    return null;
                }

                continue;
            }

            return Commands.Any(c => c.Name == arg) && arg != "completion" ? arg : null;
        }

        return null;
    }

    public static async Task<int> InvokeAsync(string[] args, TextWriter output, TextWriter error)
    {
        // '@' starts a group of devices (--on @kitchen), not a response file.
        var parseResult = Create(CommandToBuild(args)).Parse(JoinLinkerFlags(args), new ParserConfiguration { ResponseFileTokenReplacer = null });
        // Each token is named once: where this says what is wrong with one, System.CommandLine's line about it is dropped.
        var problems = TokenProblems(parseResult).ToArray();
        var errors = problems.Any(p => p.Token is null)
            ? problems.Select(p => p.Message).ToArray()
            : parseResult.Errors.Select(e => e.Message)
                .Where(message => !problems.Any(p => message.Contains($"'{p.Token}'", StringComparison.Ordinal)))
                .Concat(problems.Select(p => p.Message))
                .ToArray();
        if (errors.Length > 0)
        {
            // System.CommandLine exits 1 on parse errors; a usage error is 2 here, like every other usage error.
            // One line for each problem, and no more: the messages name the command's --help where it helps.
            foreach (var message in errors)
            {
                await error.WriteLineAsync($"pibuild: {message}").ConfigureAwait(false);
            }

            return ExitCodes.Usage;
        }

        var configuration = new InvocationConfiguration
        {
            Output = output,
            Error = error,
            EnableDefaultExceptionHandler = false,

            // On Ctrl-C the running command is cancelled and given this long to stop its children and clean up.
            ProcessTerminationTimeout = TimeSpan.FromSeconds(20),
        };
        return await parseResult.InvokeAsync(configuration).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>--ldflags "-o=/x"</c>: the value of --ldflags is linker flags, so it starts with '-', and a parser would read
    /// <c>-o=/x</c> as pibuild's own -o. Joined into <c>--ldflags=VALUE</c> (before <c>--</c> only) it is the value it is.
    /// </summary>
    private static string[] JoinLinkerFlags(string[] args)
    {
        var joined = new List<string>(args.Length);
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--")
            {
                joined.AddRange(args[i..]);
                break;
            }

            if (args[i] == SharedOptions.LdFlags.Name && i + 1 < args.Length && args[i + 1].StartsWith('-') && args[i + 1] != "--")
            {
                joined.Add($"{args[i]}={args[++i]}");
                continue;
            }

            joined.Add(args[i]);
        }

        return [.. joined];
    }

    /// <summary>
    /// What System.CommandLine lets through: an unknown option before <c>--</c> taken as an argument (it would reach
    /// go build as a flag), and an empty string where a value is needed (<c>-o ''</c>). <c>--ldflags</c>' value is
    /// linker flags, so it starts with '-'.
    /// </summary>
    /// <returns>Each problem with the token it names; a null token: the problem is the whole command line (say only it).</returns>
    private static IEnumerable<(string? Token, string Message)> TokenProblems(ParseResult parseResult)
    {
        var passThrough = false;
        string? previous = null;
        var command = parseResult.CommandResult.Command;
        if (command is RootCommand root && parseResult.Tokens.FirstOrDefault() is { Type: System.CommandLine.Parsing.TokenType.Argument } first && !first.Value.StartsWith('-'))
        {
            // "pibuild crosss": one line naming the command meant, not "Required command was not provided" first.
            var commands = root.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToArray();
            var meant = commands.Where(c => first.Value.StartsWith(c, StringComparison.Ordinal) || c.StartsWith(first.Value, StringComparison.Ordinal)).ToArray();
            var hint = meant.Length == 1 ? $"did you mean '{meant[0]}'?" : $"commands: {string.Join(", ", commands)}";
            yield return (null, $"unknown command '{first.Value}' ({hint})");
            yield break;
        }

        foreach (var token in parseResult.Tokens)
        {
            if (token.Type == System.CommandLine.Parsing.TokenType.DoubleDash)
            {
                passThrough = true;
            }
            else if (token.Type == System.CommandLine.Parsing.TokenType.Argument && !passThrough)
            {
                if (NegativeNumber().IsMatch(token.Value) && previous is { } option && TakesValue(command, option) is { } valueName)
                {
                    // "-1" after an option that takes a value reads as another option: say what the value must be.
                    yield return (token.Value, $"{option} takes {valueName}, which cannot be negative ('{token.Value}')");
                }
                else if (token.Value.StartsWith('-') && token.Value.Length > 1 && previous != SharedOptions.LdFlags.Name)
                {
                    yield return (token.Value, $"unknown option '{token.Value}' (see: pibuild {command.Name} --help)");
                }
                else if (token.Value.Length == 0)
                {
                    var argument = command.Arguments.FirstOrDefault()?.Name ?? "an argument";
                    yield return (token.Value, previous is { } named && named.StartsWith('-') ? $"{named} needs a value, not an empty string" : $"{argument} is an empty string; give a value");
                }
            }

            previous = token.Value;
        }
    }

    /// <summary>The value an option of the command takes (its help name, e.g. N or I/N); null for a flag or no such option.</summary>
    private static string? TakesValue(Command command, string name) =>
        command.Options.FirstOrDefault(o => o.Name == name || o.Aliases.Contains(name)) is { } option && option.Arity.MaximumNumberOfValues > 0
            ? option.HelpName ?? "a value"
            : null;

    [System.Text.RegularExpressions.GeneratedRegex(@"^-[0-9]")]
    private static partial System.Text.RegularExpressions.Regex NegativeNumber();
}
