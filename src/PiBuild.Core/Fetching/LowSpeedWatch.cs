using System.Diagnostics;

namespace PiBuild.Core.Fetching;

/// <summary>
/// curl's <c>--speed-limit</c> and <c>--speed-time</c>, for every body pibuild reads: fewer than the policy's
/// SpeedLimit bytes a second over a whole SpeedTime window is too slow.
/// </summary>
internal sealed class LowSpeedWatch(FetchPolicy policy)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _windowStart;
    private long _windowBytes;

    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Counts <paramref name="read"/> bytes; true when the window that just closed was too slow.</summary>
    public bool TooSlowAfter(int read)
    {
        _windowBytes += read;
        var length = _clock.Elapsed - _windowStart;
        if (length < policy.SpeedTime)
        {
            return false;
        }

        var slow = _windowBytes / length.TotalSeconds < policy.SpeedLimit;
        (_windowStart, _windowBytes) = (_clock.Elapsed, 0);
        return slow;
    }

    /// <summary>"slower than 1024 bytes/s for 30 s": the line's middle.</summary>
    public string Limit => $"slower than {policy.SpeedLimit} bytes/s for {HttpTransport.Seconds(policy.SpeedTime)}";
}
