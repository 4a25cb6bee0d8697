using System.Collections.Concurrent;
using PiBuild.Core.Streams;
using PiBuild.Interop;

namespace PiBuild.Core.Archives.Compression;

/// <summary>
/// bzip2 decoded on every core. bzip2 blocks are independent: a scanner thread finds each block by its 48-bit magic
/// (at any bit offset, as lbzip2 and pbzip2 find them), wraps it as a one-block stream and hands it to libbz2 on the
/// thread pool; blocks are returned in order, at most a few per core in flight, so memory stays bounded. libbz2
/// checks each block's CRC; the stream's combined CRC is checked here. A magic that was only data (1 in 2^48) makes
/// a block that fails to decode: it is joined with the next one and decoded again.
/// </summary>
internal sealed class ParallelBzip2Stream : ReadOnlyStream
{
    private const ulong BlockMagic = 0x314159265359;
    private const ulong EndMagic = 0x177245385090;

    // A block holds at most 900 kB before its initial run-length coding; compressed it is not much larger.
    private const int MaxBlockBytes = 1 << 21;
    // Each magic as it looks at every bit offset, less the edge bytes its neighbours change: what the scanner searches for.
    private static readonly byte[][] MagicPatterns = [.. new[] { BlockMagic, EndMagic }.SelectMany(magic => Enumerable.Range(0, 8).Select(shift => MagicPattern(magic, shift)))];

    private readonly Stream _input;
    private readonly BlockingCollection<Item> _items;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _scanner;
    private Exception? _scanFailure;
    private byte[] _current = [];
    private int _offset;
    private uint _combinedCrc;

    public ParallelBzip2Stream(Stream input)
    {
        _input = input;
        _items = new BlockingCollection<Item>(boundedCapacity: (2 * Environment.ProcessorCount) + 2);
        _scanner = new Thread(Scan) { IsBackground = true, Name = "pibuild bzip2 scan" };
        _scanner.Start();
    }

    public override int Read(Span<byte> buffer)
    {
        while (_offset == _current.Length)
        {
            if (!_items.TryTake(out var item, Timeout.Infinite))
            {
                return _scanFailure is null ? 0 : throw new IOException(_scanFailure.Message, _scanFailure);
            }

            if (item.StreamCrc is { } expected)
            {
                if (expected != _combinedCrc)
                {
                    throw new InvalidDataException($"bzip2 data is corrupt (the stream CRC {expected:x8} does not match its blocks' {_combinedCrc:x8})");
                }

                _combinedCrc = 0;
                continue;
            }

            (_current, _offset) = (Decoded(item), 0);
            _combinedCrc = ((_combinedCrc << 1) | (_combinedCrc >> 31)) ^ item.Block!.Crc;
        }

        var n = Math.Min(buffer.Length, _current.Length - _offset);
        _current.AsSpan(_offset, n).CopyTo(buffer);
        _offset += n;
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stop.Cancel();
            while (_items.TryTake(out _))
            {
                // Unblocks a scanner waiting for room.
            }

            _scanner.Join();
            _input.Dispose();
            _stop.Dispose();
        }

        base.Dispose(disposing);
    }

    private byte[] Decoded(Item item)
    {
        try
        {
            return item.Decoded!.GetAwaiter().GetResult();
        }
        catch (InvalidDataException)
        {
            // Either the block is corrupt or its end was a magic inside data: join the next blocks until it decodes.
            var bits = item.Block!;
            while (bits.Length < (long)MaxBlockBytes * 8 && _items.TryTake(out var next, Timeout.Infinite) && next.Block is { } following)
            {
                bits = bits.Append(following);
                try
                {
                    return DecodeBlock(bits);
                }
                catch (InvalidDataException)
                {
                    // Not yet whole.
                }
            }

            throw new InvalidDataException("bzip2 data is corrupt (a block does not decode or its CRC does not match)");
        }
    }

    private static byte[] DecodeBlock(BlockBits block)
    {
        // A one-block stream: header, the block's bits, the end magic and a combined CRC equal to the block's.
        var writer = new BitWriter((int)(block.Length / 8) + 16);
        writer.Write((ulong)('B' << 24 | 'Z' << 16 | 'h' << 8 | ('0' + block.Level)), 32);
        writer.Copy(block.Data, block.Start, block.Length);
        writer.Write(EndMagic, 48);
        writer.Write(block.Crc, 32);
        using var decoder = NativeDecoderStream.Over(new MemoryStream(writer.ToArray()), new Bzip2Decoder());
        using var output = new MemoryStream(1 << 20);
        decoder.CopyTo(output);
        return output.ToArray();
    }

    private void Scan()
    {
        try
        {
            var reader = new BitReader(_input);
            while (reader.TryStreamHeader(out var level))
            {
                while (true)
                {
                    var magic = reader.Peek(48);
                    if (magic == EndMagic)
                    {
                        reader.Skip(48);
                        Add(new Item(null, null, (uint)reader.Take(32)));
                        reader.AlignToByte();
                        break;
                    }

                    if (magic != BlockMagic)
                    {
                        throw new InvalidDataException("bzip2 data is corrupt (no block where one should start)");
                    }

                    var crc = (uint)(reader.PeekAt(48, 32));
                    var block = reader.TakeBlock(level, crc, MagicPatterns, MaxBlockBytes);
                    Add(new Item(block, Task.Run(() => DecodeBlock(block)), null));
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _scanFailure = e;
        }
        catch (OperationCanceledException)
        {
            // Disposed before the end.
        }
        finally
        {
            _items.CompleteAdding();
        }
    }

    private void Add(Item item) => _items.Add(item, _stop.Token);

    /// <summary>Bytes 1–5 of the 7-byte window holding <paramref name="magic"/> at bit <paramref name="shift"/>: the part no neighbouring bit changes.</summary>
    private static byte[] MagicPattern(ulong magic, int shift)
    {
        var window = magic << (8 - shift);
        return [.. Enumerable.Range(1, 5).Select(i => (byte)(window >> (8 * (6 - i))))];
    }

    /// <param name="Block">A block to return (with its decoding under way), or null for a stream's end.</param>
    /// <param name="StreamCrc">At a stream's end: the combined CRC it records.</param>
    private sealed record Item(BlockBits? Block, Task<byte[]>? Decoded, uint? StreamCrc);
}

/// <summary>One bzip2 block's bits, from its magic to the next magic: <see cref="Length"/> bits from bit <see cref="Start"/> of <see cref="Data"/>.</summary>
internal sealed record BlockBits(byte[] Data, long Start, long Length, int Level, uint Crc)
{
    public BlockBits Append(BlockBits next)
    {
        var writer = new BitWriter((int)((Length + next.Length) / 8) + 8);
        writer.Copy(Data, Start, Length);
        writer.Copy(next.Data, next.Start, next.Length);
        return new BlockBits(writer.ToArray(), 0, Length + next.Length, Level, Crc);
    }
}

/// <summary>Writes bits most significant first, as bzip2 orders them.</summary>
internal sealed class BitWriter(int capacity)
{
    private byte[] _bytes = new byte[capacity];
    private long _bits;

    public void Write(ulong value, int count)
    {
        for (var i = count - 1; i >= 0; i--)
        {
            WriteBit((int)(value >> i) & 1);
        }
    }

    /// <summary>Appends <paramref name="length"/> bits of <paramref name="source"/> from bit <paramref name="start"/>, a byte at a time.</summary>
    public void Copy(byte[] source, long start, long length)
    {
        Grow((int)((_bits + length) / 8) + 2);
        var shift = (int)(start % 8);
        var at = (int)(start / 8);
        while (length >= 8)
        {
            var b = shift == 0 ? source[at] : (byte)((source[at] << shift) | (source[at + 1] >> (8 - shift)));
            if (_bits % 8 == 0)
            {
                _bytes[_bits / 8] = b;
                _bits += 8;
            }
            else
            {
                Write(b, 8);
            }

            at++;
            length -= 8;
        }

        for (var i = 0; i < length; i++)
        {
            WriteBit((source[at + ((shift + i) / 8)] >> (7 - ((shift + i) % 8))) & 1);
        }
    }

    public byte[] ToArray() => _bytes[..(int)((_bits + 7) / 8)];

    private void WriteBit(int bit)
    {
        var at = (int)(_bits / 8);
        Grow(at + 1);
        if (bit != 0)
        {
            _bytes[at] |= (byte)(0x80 >> (int)(_bits % 8));
        }

        _bits++;
    }

    private void Grow(int bytes)
    {
        if (bytes > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(bytes, _bytes.Length * 2));
        }
    }
}

/// <summary>Reads a bzip2 file by bits, keeping in memory only the block being cut out.</summary>
internal sealed class BitReader(Stream input)
{
    private byte[] _buffer = new byte[1 << 22];
    private int _length;
    private long _baseByte;
    private long _position;
    private bool _ended;
    private bool _firstStream = true;

    /// <summary>Reads "BZh1".."BZh9" at a byte boundary. False at the end: nothing, zero padding, or (as bzip2 -d does) other trailing bytes.</summary>
    public bool TryStreamHeader(out int level)
    {
        level = 0;
        Ensure(4);
        var at = (int)((_position / 8) - _baseByte);
        var head = _buffer.AsSpan(at, Math.Min(4, _length - at));
        if (head.Length == 4 && head[..3].SequenceEqual("BZh"u8) && head[3] is >= (byte)'1' and <= (byte)'9')
        {
            level = head[3] - '0';
            _position += 32;
            _firstStream = false;
            return true;
        }

        return _firstStream ? throw new InvalidDataException("not bzip2 data") : false;
    }

    public ulong Peek(int count) => PeekAt(0, count);

    public ulong PeekAt(int offset, int count)
    {
        Ensure(((offset + count) / 8) + 2);
        ulong value = 0;
        for (var i = 0; i < count; i++)
        {
            value = (value << 1) | (uint)Bit(_position + offset + i);
        }

        return ((_position + offset + count + 7) / 8) - _baseByte <= _length ? value : throw new InvalidDataException("the bzip2 stream ends early");
    }

    public void Skip(int count) => _position += count;

    public ulong Take(int count)
    {
        var value = Peek(count);
        _position += count;
        return value;
    }

    public void AlignToByte() => _position = (_position + 7) / 8 * 8;

    /// <summary>Cuts out the block starting here: its bits up to the next block or end magic, found by its byte-aligned core.</summary>
    public BlockBits TakeBlock(int level, uint crc, byte[][] magicPatterns, int maxBytes)
    {
        var start = _position;
        var from = (int)(((start + 80) / 8) - _baseByte);
        while (true)
        {
            var found = long.MaxValue;
            var searchEnd = _length - 6;
            for (var c = 0; c < magicPatterns.Length && from < searchEnd; c++)
            {
                var shift = c % 8;
                for (var at = from; at < searchEnd;)
                {
                    var index = _buffer.AsSpan(at, searchEnd - at + 5).IndexOf(magicPatterns[c]);
                    if (index < 0)
                    {
                        break;
                    }

                    var bit = ((_baseByte + at + index - 1) * 8) + shift;
                    if (bit >= found)
                    {
                        break;
                    }

                    if (bit > start + 79 && IsMagic(bit))
                    {
                        found = bit;
                        break;
                    }

                    at += index + 1;
                }
            }

            if (found != long.MaxValue)
            {
                var first = (int)((start / 8) - _baseByte);
                var last = (int)((found / 8) - _baseByte);
                var data = _buffer[first..(last + 1)];
                _position = found;
                return new BlockBits(data, start % 8, found - start, level, crc);
            }

            if (_ended)
            {
                throw new InvalidDataException("the bzip2 stream ends early");
            }

            if ((_length + _baseByte) - (start / 8) > maxBytes)
            {
                throw new InvalidDataException("bzip2 data is corrupt (a block is longer than bzip2 makes them)");
            }

            var kept = (int)(((start / 8) - _baseByte));
            from = Math.Max(searchEnd, from) - kept;
            Fill();
        }
    }

    private bool IsMagic(long bit)
    {
        ulong value = 0;
        for (var i = 0; i < 48; i++)
        {
            value = (value << 1) | (uint)Bit(bit + i);
        }

        return value is 0x314159265359 or 0x177245385090;
    }

    private int Bit(long bit)
    {
        var at = (bit / 8) - _baseByte;
        return at < _length ? (_buffer[at] >> (7 - (int)(bit % 8))) & 1 : 0;
    }

    /// <summary>Makes at least <paramref name="bytes"/> bytes from the current position available, unless the input ends first.</summary>
    private void Ensure(int bytes)
    {
        while (!_ended && (_position / 8) - _baseByte + bytes > _length)
        {
            Fill();
        }
    }

    /// <summary>Drops what lies before the current byte, then reads more.</summary>
    private void Fill()
    {
        var keep = (int)((_position / 8) - _baseByte);
        if (keep > 0)
        {
            Array.Copy(_buffer, keep, _buffer, 0, _length - keep);
            _length -= keep;
            _baseByte += keep;
        }

        if (_length == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        var read = input.Read(_buffer, _length, _buffer.Length - _length);
        _ended = read == 0;
        _length += read;
    }
}
