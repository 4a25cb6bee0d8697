using System.Text;

namespace PiBuild.Core.FileSystem;

/// <summary>
/// Names in archives are bytes, not text. They are held as strings in which each byte that is not valid UTF-8 is
/// kept as the lone surrogate U+DC00+byte (Python's "surrogateescape"), so that a name GNU tar would create
/// byte for byte is created byte for byte here too, and shown escaped.
/// </summary>
internal static class ArchiveName
{
    private const char EscapeBase = '\uDC00';

    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length);
        while (!bytes.IsEmpty)
        {
            var status = System.Text.Rune.DecodeFromUtf8(bytes, out var rune, out var consumed);
            if (status == System.Buffers.OperationStatus.Done)
            {
                text.Append(rune.ToString());
            }
            else
            {
                consumed = 1;
                text.Append((char)(EscapeBase + bytes[0]));
            }

            bytes = bytes[consumed..];
        }

        return text.ToString();
    }

    /// <summary>The bytes of <paramref name="name"/>, NUL-terminated for the C library.</summary>
    public static byte[] Encode(string name)
    {
        var bytes = new List<byte>(name.Length + 1);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c is >= '\uDC80' and <= '\uDCFF')
            {
                bytes.Add((byte)(c - EscapeBase));
                continue;
            }

            var rune = char.IsHighSurrogate(c) && i + 1 < name.Length ? new Rune(c, name[++i]) : new Rune(c);
            var length = rune.EncodeToUtf8(utf8);
            for (var b = 0; b < length; b++)
            {
                bytes.Add(utf8[b]);
            }
        }

        bytes.Add(0);
        return [.. bytes];
    }

    /// <summary>A name fit for one line of a terminal: control characters and undecodable bytes as escapes.</summary>
    public static string Display(string name)
    {
        if (!name.Any(NeedsEscape))
        {
            return name;
        }

        var text = new StringBuilder(name.Length + 8);
        foreach (var c in name)
        {
            text.Append(c switch
            {
                '\n' => "\\n",
                '\t' => "\\t",
                '\r' => "\\r",
                '\\' => "\\\\",
                >= '\uDC80' and <= '\uDCFF' => $"\\x{c - EscapeBase:x2}",
                _ when NeedsEscape(c) => $"\\x{(int)c:x2}",
                _ => c.ToString(),
            });
        }

        return text.ToString();
    }

    private static bool NeedsEscape(char c) => char.IsControl(c) || c == '\\' || c is >= '\uDC80' and <= '\uDCFF';
}
