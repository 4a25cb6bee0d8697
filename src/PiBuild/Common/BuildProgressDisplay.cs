using System.Diagnostics;
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
    private readonly RedrawnBlock _block = new(error);

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
        _block.Draw([.. _boards.Select(board => $"{board.Target,-6} {board.Description}{(board.Total > 0 ? $"  {board.Done}/{board.Total} packages" : $"  {board.Done} packages")}")]);
        _sinceDrawn.Restart();
    }
}
