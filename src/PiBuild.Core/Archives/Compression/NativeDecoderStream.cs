using PiBuild.Core.Streams;
using PiBuild.Interop;

namespace PiBuild.Core.Archives.Compression;

/// <summary>
/// A decompressing read stream over a system library's decoder (<see cref="NativeDecoder"/>). Unlike the managed
/// decoders it checks every checksum the format carries and refuses a stream that ends early or carries garbage
/// after its end (zero padding, as tape blocking leaves, is fine).
/// </summary>
internal sealed class NativeDecoderStream : ReadOnlyStream
{
    private readonly Stream _input;
    private readonly NativeDecoder _decoder;
    private readonly byte[] _buffer = new byte[1 << 17];
    private int _start;
    private int _end;
    private bool _inputEnded;
    private bool _finished;

    private NativeDecoderStream(Stream input, NativeDecoder decoder) => (_input, _decoder) = (input, decoder);

    /// <summary>A decoding stream for a compressed tar; the system library must be there, as on every Debian system.</summary>
    public static NativeDecoderStream Open(ArchiveFormat format, Stream input) => new(input, Decoder(format));

    /// <summary>The decoder of a format, or a usage error naming the library and its package when it does not load.</summary>
    public static NativeDecoder Decoder(ArchiveFormat format) => format switch
    {
        ArchiveFormat.TarGzip => ZlibGzipDecoder.Available ? new ZlibGzipDecoder() : throw Missing(ZlibGzipDecoder.Library, "zlib1g", "gzip"),
        ArchiveFormat.TarBzip2 => Bzip2Decoder.Available ? new Bzip2Decoder() : throw Missing(Bzip2Decoder.Library, "libbz2-1.0", "bzip2"),
        ArchiveFormat.TarXz => XzDecoder.Available ? new XzDecoder() : throw Missing(XzDecoder.Library, "liblzma5", "xz"),
        ArchiveFormat.TarZstd => ZstdDecoder.Available ? new ZstdDecoder() : throw Missing(ZstdDecoder.Library, "libzstd1", "zstd"),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    /// <summary>A stream over a decoder made elsewhere (one bzip2 block at a time).</summary>
    public static NativeDecoderStream Over(Stream input, NativeDecoder decoder) => new(input, decoder);

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

            var step = _decoder.Decode(_buffer.AsSpan(_start, _end - _start), buffer, _inputEnded);
            _start += step.Consumed;
            if (step.StreamEnd)
            {
                _finished = !NextMember();
            }

            if (step.Produced > 0)
            {
                return step.Produced;
            }

            if (!step.StreamEnd && step.Consumed == 0)
            {
                if (_inputEnded)
                {
                    throw new InvalidDataException($"the {_decoder.Format} stream ends early");
                }

                // The decoder needs more than the buffered tail: keep the tail and read on.
                ReadMore();
            }
        }

        return 0;
    }

    private static ConfigurationException Missing(string library, string package, string format) =>
        new($"reading {format} archives needs {library}, which is not installed; install it: sudo apt-get install -y {package}");

    private void ReadMore()
    {
        Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
        (_end, _start) = (_end - _start, 0);
        var read = _input.Read(_buffer.AsSpan(_end));
        _inputEnded = read == 0;
        _end += read;
    }

    /// <summary>After a stream's end: another member follows (true), or only zero padding, as tape blocking leaves (false).</summary>
    private bool NextMember()
    {
        while (true)
        {
            if (_end - _start < 4 && !_inputEnded)
            {
                ReadMore();
                continue;
            }

            var rest = _buffer.AsSpan(_start, _end - _start);
            if (rest.IsEmpty)
            {
                return false;
            }

            if (_decoder.IsMemberStart(rest))
            {
                _decoder.Reset();
                return true;
            }

            if (rest.ContainsAnyExcept((byte)0))
            {
                if (!_decoder.RefusesTrailingGarbage)
                {
                    return false;
                }

                throw new InvalidDataException($"the {_decoder.Format} stream has trailing garbage after its end");
            }

            _start = _end;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _decoder.Dispose();
            _input.Dispose();
        }

        base.Dispose(disposing);
    }
}
