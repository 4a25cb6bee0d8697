using System.Runtime.InteropServices;

namespace PiBuild.Core.Archives.Compression;

/// <summary>gzip through zlib, which checks each member's CRC-32 and length trailer.</summary>
internal sealed unsafe partial class GzipDecoderStream : NativeDecoderStream
{
    private const string Library = "libz.so.1";
    private const int GzipOnlyWindowBits = 15 + 16;
    private readonly ZStream* _stream;

    public GzipDecoderStream(Stream input)
        : base(input)
    {
        _stream = (ZStream*)NativeMemory.AllocZeroed((nuint)sizeof(ZStream));
        fixed (byte* version = "1.2.11\0"u8)
        {
            Check(InflateInit2(_stream, GzipOnlyWindowBits, version, sizeof(ZStream)));
        }
    }

    protected override string Format => "gzip";

    /// <summary>Whether zlib can be loaded here; when it cannot, the extractor uses its managed decoder.</summary>
    public static bool Available => NativeLibrary.TryLoad(Library, out _);

    protected override (int Consumed, int Produced, bool StreamEnd) Decode(byte* input, int inputLength, byte* output, int outputLength, bool finish)
    {
        _stream->NextIn = input;
        _stream->AvailIn = (uint)inputLength;
        _stream->NextOut = output;
        _stream->AvailOut = (uint)outputLength;
        var result = Inflate(_stream, 0);
        var consumed = inputLength - (int)_stream->AvailIn;
        var produced = outputLength - (int)_stream->AvailOut;
        // Z_BUF_ERROR (-5) only says no progress was possible; the caller decides whether input ran out.
        return result is 0 or 1 or -5 ? (consumed, produced, result == 1) : throw Failure(result);
    }

    protected override void Reset() => Check(InflateReset(_stream));

    protected override bool IsMemberStart(ReadOnlySpan<byte> head) => head.Length >= 2 && head[0] == 0x1f && head[1] == 0x8b;

    protected override void Dispose(bool disposing)
    {
        if (_stream is not null)
        {
            _ = InflateEnd(_stream);
            NativeMemory.Free(_stream);
        }

        base.Dispose(disposing);
    }

    private void Check(int result)
    {
        if (result != 0)
        {
            throw Failure(result);
        }
    }

    private Exception Failure(int result) => result == -4
        ? new InsufficientMemoryException("zlib ran out of memory")
        : new InvalidDataException($"gzip data is corrupt ({Marshal.PtrToStringUTF8(_stream->Message) ?? $"zlib error {result}"})");

    [StructLayout(LayoutKind.Sequential)]
    private struct ZStream
    {
        public byte* NextIn;
        public uint AvailIn;
        public CULong TotalIn;
        public byte* NextOut;
        public uint AvailOut;
        public CULong TotalOut;
        public nint Message;
        public nint State;
        public nint Alloc;
        public nint Free;
        public nint Opaque;
        public int DataType;
        public CULong Adler;
        public CULong Reserved;
    }

    [LibraryImport(Library, EntryPoint = "inflateInit2_")]
    private static partial int InflateInit2(ZStream* stream, int windowBits, byte* version, int streamSize);

    [LibraryImport(Library, EntryPoint = "inflate")]
    private static partial int Inflate(ZStream* stream, int flush);

    [LibraryImport(Library, EntryPoint = "inflateReset")]
    private static partial int InflateReset(ZStream* stream);

    [LibraryImport(Library, EntryPoint = "inflateEnd")]
    private static partial int InflateEnd(ZStream* stream);
}
