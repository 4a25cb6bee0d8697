using System.Security.Cryptography;

namespace PiBuild.Core.Streams;

/// <summary>Writes through to <paramref name="inner"/>, hashing every byte on the way (an image layer's uncompressed digest).</summary>
internal sealed class HashingWriteStream(Stream inner, IncrementalHash hash) : WriteOnlyStream
{
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        hash.AppendData(buffer);
        inner.Write(buffer);
    }

    public override void Flush() => inner.Flush();
}
