using System.Diagnostics;
using System.Text;
using PiBuild.Core.Builds;

namespace PiBuild.Cli.Common;

/// <summary>
/// On a terminal, a line per board whose first build is running, redrawn in place ("pi4  compiling the standard
/// library for linux/arm64 (first build for this board)  87/212 packages") and cleared when it ends, so the
/// result lines take its place.
/// </summary>
internal sealed class BuildProgressDisplay(TextWriter error)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private readonly List<BuildProgress> _boards = [];
    private readonly Stopwatch _sinceDrawn = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private int _drawn;

    public void Report(BuildProgress progress)
    {
        lock (_gate)
        {
            var index = _boards.FindIndex(b => b.Target == progress.Target);
            if (progress.Finished)
            {
                _boards.RemoveAt(index);
            }
            else if (index < 0)
            {
                _boards.Add(progress);
            }
            else
            {
                _boards[index] = progress;
                if (_sinceDrawn.Elapsed < Interval)
                {
                    return;
                }
            }

            Redraw();
        }
    }

    private void Redraw()
    {
        var text = new StringBuilder();
        if (_drawn > 0)
        {
            text.Append($"\u001b[{_drawn}A");
        }

        foreach (var board in _boards)
        {
            var count = board.Total > 0 ? $"  {board.Done}/{board.Total} packages" : $"  {board.Done} packages";
            text.Append($"\r\u001b[K{board.Target,-6} {board.Description}{count}\n");
        }

        // Lines of boards that finished are blanked, and the cursor goes back up to where the block now ends.
        var stale = _drawn - _boards.Count;
        for (var i = 0; i < stale; i++)
        {
            text.Append("\r\u001b[K\n");
        }

        if (stale > 0)
        {
            text.Append($"\u001b[{stale}A");
        }

        _drawn = _boards.Count;
        error.Write(text.ToString());
        error.Flush();
        _sinceDrawn.Restart();
    }
}
