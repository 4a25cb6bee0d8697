using PiBuild.Core.Streams;

namespace PiBuild.Core.Archives.Compression;

/// <summary>
/// A decompressing read stream over a system library (zlib, libbz2, liblzma: the ones GNU tar's gzip, bzip2 and xz
/// use, and dpkg's pre-dependencies, so every Debian-based system has them). Unlike the managed decoders it checks
/// every checksum the format carries and refuses a stream that ends early or carries garbage after its end.
/// </summary>
internal abstract unsafe class NativeDecoderStream : ReadOnlyStream
{
    private readonly Stream _input;
    private readonly byte[] _buffer = new byte[1 << 17];
    private int _start;
    private int _end;
    private bool _inputEnded;
    private bool _finished;

    protected NativeDecoderStream(Stream input) => _input = input;

    /// <summary>The format's name in messages ("gzip").</summary>
    protected abstract string Format { get; }

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (!_finished)
        {
            if (_start == _end && !_inputEnded)
            {
                _start = 0;
                _end = _input.Read(_buffer);
                _inputEnded = _end == 0;
            }

            int consumed, produced;
            bool streamEnd;
            fixed (byte* input = _buffer, output = buffer)
            {
                (consumed, produced, streamEnd) = Decode(input + _start, _end - _start, output, buffer.Length, _inputEnded);
            }

            _start += consumed;
            if (streamEnd)
            {
                _finished = !NextMember();
            }

            if (produced > 0)
            {
                return produced;
            }

            if (!streamEnd && consumed == 0)
            {
                if (_inputEnded)
                {
                    throw new InvalidDataException($"the {Format} stream ends early");
                }

                // The decoder needs more than the buffered tail: keep the tail and read on.
                Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
                (_end, _start) = (_end - _start, 0);
                var read = _input.Read(_buffer.AsSpan(_end));
                _inputEnded = read == 0;
                _end += read;
            }
        }

        return 0;
    }

    /// <summary>gzip refuses bytes after the last member (and so does GNU tar); bzip2 ignores them with a warning.</summary>
    protected virtual bool RefusesTrailingGarbage => true;

    /// <summary>Runs the decoder once; <paramref name="finish"/> says no more input will come.</summary>
    protected abstract (int Consumed, int Produced, bool StreamEnd) Decode(byte* input, int inputLength, byte* output, int outputLength, bool finish);

    /// <summary>Prepares the decoder for another stream of the same format (gzip and bzip2 concatenate).</summary>
    protected abstract void Reset();

    /// <summary>Whether <paramref name="head"/> starts another member of this format.</summary>
    protected abstract bool IsMemberStart(ReadOnlySpan<byte> head);

    /// <summary>After a stream's end: another member follows (true), or only zero padding, as tape blocking leaves (false).</summary>
    private bool NextMember()
    {
        while (true)
        {
            if (_end - _start < 4 && !_inputEnded)
            {
                Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
                (_end, _start) = (_end - _start, 0);
                var read = _input.Read(_buffer.AsSpan(_end));
                _inputEnded = read == 0;
                _end += read;
                continue;
            }

            var rest = _buffer.AsSpan(_start, _end - _start);
            if (rest.IsEmpty)
            {
                return false;
            }

            if (IsMemberStart(rest))
            {
                Reset();
                return true;
            }

            if (rest.ContainsAnyExcept((byte)0))
            {
                if (!RefusesTrailingGarbage)
                {
                    return false;
                }

                throw new InvalidDataException($"the {Format} stream has trailing garbage after its end");
            }

            _start = _end;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _input.Dispose();
        }

        base.Dispose(disposing);
    }
}
