using System.Text;

namespace PiBuild.Cli.Common;

/// <summary>
/// A block of lines on a terminal, redrawn in place: the cursor goes back to the block's first line, each line is
/// rewritten, lines the block no longer has are blanked and the cursor left where the block now ends.
/// </summary>
internal sealed class RedrawnBlock(TextWriter error)
{
    private int _drawn;

    public void Draw(IReadOnlyList<string> lines)
    {
        var text = new StringBuilder();
        if (_drawn > 0)
        {
            text.Append($"\u001b[{_drawn}A");
        }

        foreach (var line in lines)
        {
            text.Append($"\r\u001b[K{line}\n");
        }

        var stale = _drawn - lines.Count;
        for (var i = 0; i < stale; i++)
        {
            text.Append("\r\u001b[K\n");
        }

        if (stale > 0)
        {
            text.Append($"\u001b[{stale}A");
        }

        _drawn = lines.Count;
        error.Write(text.ToString());
        error.Flush();
    }
}
