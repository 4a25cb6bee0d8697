using PiBuild.Core.Devices;

namespace PiBuild.Cli.Common;

/// <summary>
/// On a terminal, a line per device of a fleet, redrawn in place as each moves on ("kitchen  copying  app for pi1 to
/// /usr/local/bin"), and cleared when the result table takes its place.
/// </summary>
internal sealed class DeviceProgressDisplay(TextWriter error)
{
    private readonly List<DeviceProgress> _devices = [];
    private readonly Lock _gate = new();
    private readonly RedrawnBlock _block = new(error);

    public void Report(DeviceProgress progress)
    {
        lock (_gate)
        {
            var index = _devices.FindIndex(d => d.Device == progress.Device);
            if (index < 0)
            {
                _devices.Add(progress);
            }
            else
            {
                _devices[index] = progress;
            }

            Redraw(_devices);
        }
    }

    /// <summary>Blanks the block and leaves the cursor where it began.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            Redraw([]);
            _devices.Clear();
        }
    }

    private void Redraw(IReadOnlyList<DeviceProgress> devices)
    {
        var width = devices.Count == 0 ? 0 : devices.Max(d => d.Device.Length);
        _block.Draw([.. devices.Select(d => $"{d.Device.PadRight(width)}  {d.Stage}{(d.Detail is null ? "" : "  " + d.Detail)}")]);
    }
}
