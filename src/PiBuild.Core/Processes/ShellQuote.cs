namespace PiBuild.Core.Processes;

/// <summary>POSIX shell quoting: the one way pibuild writes a word that a shell (or go test -exec) will split.</summary>
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
}
