using System.Diagnostics;
using PiBuild.Core.Fetching;

namespace PiBuild.Cli.Common;

/// <summary>
/// Download progress: a redrawn bar (bytes, rate, ETA) on a terminal; in a log, one plain line every
/// few seconds, so CI output stays readable.
/// </summary>
internal sealed class ProgressReporter(TextWriter error, bool terminal) : IProgress<FetchProgress>, IDisposable
{
    private static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan TerminalInterval = TimeSpan.FromMilliseconds(100);
    private readonly Stopwatch _sinceLast = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private bool _drawn;

    public void Report(FetchProgress value)
    {
        lock (_gate)
        {
            if (_sinceLast.Elapsed < (terminal ? TerminalInterval : LogInterval))
            {
                return;
            }

            _sinceLast.Restart();
            var rate = $"{ByteSize.Format((long)value.BytesPerSecond)}/s";
            if (value.Total is { } total && total > 0)
            {
                var fraction = Math.Clamp(value.Bytes / (double)total, 0, 1);
                var eta = value.BytesPerSecond > 0 ? TimeSpan.FromSeconds((total - value.Bytes) / value.BytesPerSecond) : TimeSpan.Zero;
                var line = $"{value.Name} {ByteSize.Format(value.Bytes)}/{ByteSize.Format(total)} {rate} ETA {eta:mm\\:ss}";
                Write(terminal ? $"[{new string('#', (int)(fraction * 30)),-30}] {fraction,4:P0} {line}" : $"fetching {line}");
            }
            else
            {
                Write($"fetching {value.Name} {ByteSize.Format(value.Bytes)} {rate}");
            }
        }
    }

    public void Finish()
    {
        lock (_gate)
        {
            if (_drawn && terminal)
            {
                error.Write("\r\u001b[K");
                _drawn = false;
            }
        }
    }

    public void Dispose() => Finish();

    private void Write(string line)
    {
        if (terminal)
        {
            error.Write($"\r\u001b[K{line}");
            _drawn = true;
        }
        else
        {
            error.WriteLine(line);
        }
    }
}
