using System.Security.Cryptography;

namespace PiBuild.Core.Streams;

/// <summary>
/// Hashes every byte read through it: a download, a copy or an archive is verified in the same pass that
/// writes it. Takes ownership of the inner stream.
/// </summary>
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

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        hash.AppendData(buffer.Span[..n]);
        return n;
    }

    /// <summary>Reads and hashes the rest (what a decoder did not need, a prefix already on disk), so the digest covers it all.</summary>
    public void Drain() => CopyTo(Stream.Null);

    public Task DrainAsync(CancellationToken cancellationToken) => CopyToAsync(Stream.Null, cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
