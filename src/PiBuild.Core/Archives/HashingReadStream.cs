using System.Security.Cryptography;

namespace PiBuild.Core.Archives;

/// <summary>Hashes every byte read through it, so an archive is verified in the same pass that unpacks it.</summary>
internal sealed class HashingReadStream(Stream inner, IncrementalHash hash) : ReadOnlyStream
{
    // The xz decoder asks where it is in its input.
    public override long Length => inner.Length;

    public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        hash.AppendData(buffer[..n]);
        return n;
    }

    /// <summary>Reads and hashes whatever the decoder did not need (trailing padding), so the digest covers the file.</summary>
    public void Drain()
    {
        var buffer = new byte[1 << 16];
        while (Read(buffer) > 0)
        {
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
