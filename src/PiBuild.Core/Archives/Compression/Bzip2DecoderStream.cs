using System.Runtime.InteropServices;

namespace PiBuild.Core.Archives.Compression;

/// <summary>bzip2 through libbz2, which checks every block's CRC and the stream's combined CRC.</summary>
internal sealed unsafe partial class Bzip2DecoderStream : NativeDecoderStream
{
    private const string Library = "libbz2.so.1.0";
    private BzStream* _stream;

    public Bzip2DecoderStream(Stream input)
        : base(input) => Start();

    protected override string Format => "bzip2";

    protected override bool RefusesTrailingGarbage => false;

    public static bool Available => NativeLibrary.TryLoad(Library, out _);

    protected override (int Consumed, int Produced, bool StreamEnd) Decode(byte* input, int inputLength, byte* output, int outputLength, bool finish)
    {
        _stream->NextIn = input;
        _stream->AvailIn = (uint)inputLength;
        _stream->NextOut = output;
        _stream->AvailOut = (uint)outputLength;
        var result = Decompress(_stream);
        var consumed = inputLength - (int)_stream->AvailIn;
        var produced = outputLength - (int)_stream->AvailOut;
        return result switch
        {
            0 or 4 => (consumed, produced, result == 4),
            -3 => throw new InsufficientMemoryException("libbz2 ran out of memory"),
            -5 => throw new InvalidDataException("bzip2 data is corrupt (a block does not start with the bzip2 magic)"),
            _ => throw new InvalidDataException($"bzip2 data is corrupt (a block or stream CRC does not match, libbz2 error {result})"),
        };
    }

    protected override void Reset()
    {
        Stop();
        Start();
    }

    protected override bool IsMemberStart(ReadOnlySpan<byte> head) => head.StartsWith("BZh"u8);

    protected override void Dispose(bool disposing)
    {
        Stop();
        base.Dispose(disposing);
    }

    private void Start()
    {
        _stream = (BzStream*)NativeMemory.AllocZeroed((nuint)sizeof(BzStream));
        var result = DecompressInit(_stream, 0, 0);
        if (result != 0)
        {
            throw new InsufficientMemoryException($"libbz2 could not start a decoder (error {result})");
        }
    }

    private void Stop()
    {
        if (_stream is not null)
        {
            _ = DecompressEnd(_stream);
            NativeMemory.Free(_stream);
            _stream = null;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct BzStream
    {
        public byte* NextIn;
        public uint AvailIn;
        public uint TotalInLow;
        public uint TotalInHigh;
        public byte* NextOut;
        public uint AvailOut;
        public uint TotalOutLow;
        public uint TotalOutHigh;
        public nint State;
        public nint Alloc;
        public nint Free;
        public nint Opaque;
    }

    [LibraryImport(Library, EntryPoint = "BZ2_bzDecompressInit")]
    private static partial int DecompressInit(BzStream* stream, int verbosity, int small);

    [LibraryImport(Library, EntryPoint = "BZ2_bzDecompress")]
    private static partial int Decompress(BzStream* stream);

    [LibraryImport(Library, EntryPoint = "BZ2_bzDecompressEnd")]
    private static partial int DecompressEnd(BzStream* stream);
}
