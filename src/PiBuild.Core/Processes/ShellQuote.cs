using System.Text;

namespace PiBuild.Core.Processes;

/// <summary>POSIX shell quoting: the one way pibuild writes a word that a shell (or go test -exec) will split, and reads a command line a user wrote.</summary>
internal static class ShellQuote
{
    /// <summary>The word as is when it is plainly safe, else in single quotes.</summary>
    public static string Word(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=,:+@%".Contains(c))
            ? value
            : Always(value);

    /// <summary>Always single-quoted, for generated scripts where a value must never be read as anything else.</summary>
    public static string Always(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    public static string Join(IEnumerable<string> words) => string.Join(' ', words.Select(Word));

    /// <summary>
    /// Splits a command line the way a shell would without expanding anything: blanks separate words, single quotes
    /// keep everything, double quotes keep all but <c>\"</c> and <c>\\</c>, a backslash outside quotes keeps the next
    /// character (how git reads GIT_SSH_COMMAND, minus expansion).
    /// </summary>
    public static IReadOnlyList<string> Split(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            switch (c)
            {
                case ' ' or '\t' or '\n':
                    if (inWord)
                    {
                        words.Add(word.ToString());
                        word.Clear();
                        inWord = false;
                    }

                    continue;
                case '\'':
                    var close = line.IndexOf('\'', i + 1);
                    if (close < 0)
                    {
                        throw new ConfigurationException($"unterminated ' in: {line}");
                    }

                    word.Append(line, i + 1, close - i - 1);
                    i = close;
                    break;
                case '"':
                    for (i++; i < line.Length && line[i] != '"'; i++)
                    {
                        if (line[i] == '\\' && i + 1 < line.Length && line[i + 1] is '"' or '\\')
                        {
                            i++;
                        }

                        word.Append(line[i]);
                    }

                    if (i >= line.Length)
                    {
                        throw new ConfigurationException($"unterminated \" in: {line}");
                    }

                    break;
                case '\\' when i + 1 < line.Length:
                    word.Append(line[++i]);
                    break;
                default:
                    word.Append(c);
                    break;
            }

            inWord = true;
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }
}
