namespace PiBuild.Core.Binaries;

/// <summary>
/// A binary read by parts: the ELF headers, the section table and the build-info blob, not the whole file (a
/// release binary can be hundreds of MB, and a verify of a sparse file or a FIFO must not read gigabytes or hang).
/// </summary>
internal sealed class BinaryImage(Stream stream) : IDisposable
{
    /// <summary>The most one read may ask for: far above any header, section table or build-info string.</summary>
    public const int ReadLimit = 16 << 20;

    public long Length { get; } = stream.Length;

    public static BinaryImage Of(byte[] data) => new(new MemoryStream(data, writable: false));

    public static BinaryImage Open(string path) =>
        new(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.RandomAccess));

    /// <summary>Up to <paramref name="count"/> bytes at <paramref name="offset"/> (fewer at the end of the file; none outside it).</summary>
    public byte[] ReadAt(long offset, long count)
    {
        if (offset < 0 || offset >= Length || count <= 0)
        {
            return [];
        }

        var bytes = new byte[Math.Min(Math.Min(count, ReadLimit), Length - offset)];
        stream.Position = offset;
        var read = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        return read == bytes.Length ? bytes : bytes[..read];
    }

    /// <summary>The first offset in [<paramref name="start"/>, <paramref name="end"/>) aligned to <paramref name="alignment"/> where <paramref name="pattern"/> starts.</summary>
    public long? Find(ReadOnlySpan<byte> pattern, long start, long end, int alignment)
    {
        const int Chunk = 1 << 20;
        end = Math.Min(end, Length);
        for (var at = start; at < end; at += Chunk)
        {
            // Chunks overlap by the pattern's length, so a match across a boundary is seen.
            var data = ReadAt(at, Math.Min(Chunk + pattern.Length, end - at)).AsSpan();
            for (var from = 0; ;)
            {
                var found = data[from..].IndexOf(pattern);
                if (found < 0 || from + found >= Chunk)
                {
                    break;
                }

                var offset = at + from + found;
                if (offset % alignment == 0)
                {
                    return offset;
                }

                from += found + 1;
            }
        }

        return null;
    }

    public void Dispose() => stream.Dispose();
}
