using System.CommandLine;
using PiBuild.Cli.Common;
using PiBuild.Core;

namespace PiBuild.Cli.Completion;

/// <summary>
/// <c>pibuild completion bash|zsh|fish</c>: a script that asks pibuild itself for completions through
/// System.CommandLine's <c>[suggest:POSITION]</c> directive, so completions always match the real command line.
/// </summary>
internal static class CompletionCommand
{
    private static readonly Argument<string> Shell = new("SHELL") { Description = "bash, zsh or fish" };

    private const string Bash = """
        # pibuild completion for bash: eval "$(pibuild completion bash)"
        _pibuild_complete() {
          local IFS=$'\n'
          COMPREPLY=( $(compgen -W "$(pibuild "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null)" -- "${COMP_WORDS[COMP_CWORD]}") )
        }
        complete -o default -F _pibuild_complete pibuild

        """;

    private const string Zsh = """
        # pibuild completion for zsh: eval "$(pibuild completion zsh)"
        _pibuild_complete() {
          local -a completions
          completions=("${(@f)$(pibuild "[suggest:${CURSOR}]" "${BUFFER}" 2>/dev/null)}")
          compadd -a completions
        }
        compdef _pibuild_complete pibuild

        """;

    private const string Fish = """
        # pibuild completion for fish: pibuild completion fish | source
        complete -c pibuild -f -a '(pibuild "[suggest:"(commandline -C)"]" (commandline) 2>/dev/null)'

        """;

    public static Command Create()
    {
        // One line for another shell (AcceptOnlyFromAmong lists its suggestions over several).
        Shell.Validators.Add(result =>
        {
            if (result.Tokens.FirstOrDefault()?.Value is { } shell && shell is not ("bash" or "zsh" or "fish"))
            {
                result.AddError($"unknown shell '{shell}' (pibuild completes bash, zsh and fish)");
            }
        });
        var command = new Command("completion", "Print a shell completion script (bash, zsh or fish)") { Shell };
        command.SetHandler((context, parseResult, _) =>
        {
            context.Out.Write(parseResult.GetRequiredValue(Shell) switch { "bash" => Bash, "zsh" => Zsh, _ => Fish });
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }
}
