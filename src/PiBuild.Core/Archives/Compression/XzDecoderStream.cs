using System.Runtime.InteropServices;

namespace PiBuild.Core.Archives.Compression;

/// <summary>xz through liblzma, which checks each block's integrity check (CRC-32, CRC-64 or SHA-256) and the index.</summary>
internal sealed unsafe partial class XzDecoderStream : NativeDecoderStream
{
    private const string Library = "liblzma.so.5";
    private const uint Concatenated = 0x08;
    private const int Run = 0;
    private const int Finish = 3;
    private readonly LzmaStream* _stream;

    public XzDecoderStream(Stream input)
        : base(input)
    {
        _stream = (LzmaStream*)NativeMemory.AllocZeroed((nuint)sizeof(LzmaStream));

        // Concatenated streams and the zero padding between them are xz's own business, as with xz -d.
        var result = StreamDecoder(_stream, ulong.MaxValue, Concatenated);
        if (result != 0)
        {
            throw Failure(result);
        }
    }

    protected override string Format => "xz";

    public static bool Available => NativeLibrary.TryLoad(Library, out _);

    protected override (int Consumed, int Produced, bool StreamEnd) Decode(byte* input, int inputLength, byte* output, int outputLength, bool finish)
    {
        _stream->NextIn = input;
        _stream->AvailIn = (nuint)inputLength;
        _stream->NextOut = output;
        _stream->AvailOut = (nuint)outputLength;
        var result = Code(_stream, finish ? Finish : Run);
        var consumed = inputLength - (int)_stream->AvailIn;
        var produced = outputLength - (int)_stream->AvailOut;
        if (result == 10 && finish && produced == 0)
        {
            throw new InvalidDataException("the xz stream ends early");
        }

        // LZMA_BUF_ERROR (10) only says no progress was possible; the caller decides whether input ran out.
        return result is 0 or 1 or 10 ? (consumed, produced, result == 1) : throw Failure(result);
    }

    protected override void Reset() => throw new InvalidOperationException("liblzma reads concatenated streams itself");

    protected override bool IsMemberStart(ReadOnlySpan<byte> head) => false;

    protected override void Dispose(bool disposing)
    {
        if (_stream is not null)
        {
            End(_stream);
            NativeMemory.Free(_stream);
        }

        base.Dispose(disposing);
    }

    private static Exception Failure(int result) => result switch
    {
        5 or 6 => new InsufficientMemoryException("liblzma ran out of memory"),
        7 => new InvalidDataException("xz data is corrupt (not in the xz format)"),
        8 => new InvalidDataException("xz data uses options liblzma does not support"),
        _ => new InvalidDataException($"xz data is corrupt (a check does not match, or bytes follow the stream; liblzma error {result})"),
    };

    [StructLayout(LayoutKind.Sequential)]
    private struct LzmaStream
    {
        public byte* NextIn;
        public nuint AvailIn;
        public ulong TotalIn;
        public byte* NextOut;
        public nuint AvailOut;
        public ulong TotalOut;
        public nint Allocator;
        public nint Internal;
        public nint Reserved1;
        public nint Reserved2;
        public nint Reserved3;
        public nint Reserved4;
        public ulong SeekPosition;
        public ulong ReservedInt2;
        public nuint ReservedInt3;
        public nuint ReservedInt4;
        public int ReservedEnum1;
        public int ReservedEnum2;
    }

    [LibraryImport(Library, EntryPoint = "lzma_stream_decoder")]
    private static partial int StreamDecoder(LzmaStream* stream, ulong memoryLimit, uint flags);

    [LibraryImport(Library, EntryPoint = "lzma_code")]
    private static partial int Code(LzmaStream* stream, int action);

    [LibraryImport(Library, EntryPoint = "lzma_end")]
    private static partial void End(LzmaStream* stream);
}
