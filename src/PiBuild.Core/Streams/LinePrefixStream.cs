using System.Text;

namespace PiBuild.Core.Streams;

/// <summary>
/// Writes whole lines to <paramref name="inner"/>, each after <paramref name="prefix"/>, under a lock shared by every
/// stream writing there: the output of several devices, interleaved by line and each line marked with its device.
/// </summary>
internal sealed class LinePrefixStream(Stream inner, string prefix, object gate) : WriteOnlyStream
{
    private readonly MemoryStream _pending = new();
    private readonly byte[] _prefix = Encoding.UTF8.GetBytes(prefix);

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (buffer.Length > 0)
        {
            var newline = buffer.IndexOf((byte)'\n');
            if (newline < 0)
            {
                _pending.Write(buffer);
                return;
            }

            _pending.Write(buffer[..(newline + 1)]);
            Emit();
            buffer = buffer[(newline + 1)..];
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override void Flush()
    {
        lock (gate)
        {
            inner.Flush();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && _pending.Length > 0)
        {
            // A last line without its newline still gets one, so the next device's line starts clean.
            _pending.WriteByte((byte)'\n');
            Emit();
        }

        base.Dispose(disposing);
    }

    private void Emit()
    {
        lock (gate)
        {
            inner.Write(_prefix);
            inner.Write(_pending.GetBuffer().AsSpan(0, (int)_pending.Length));
            inner.Flush();
        }

        _pending.SetLength(0);
    }
}
