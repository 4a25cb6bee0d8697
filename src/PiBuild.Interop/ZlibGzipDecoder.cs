using System.Runtime.InteropServices;

namespace PiBuild.Interop;

/// <summary>gzip through zlib, which checks each member's CRC-32 and length trailer.</summary>
internal sealed unsafe partial class ZlibGzipDecoder : NativeDecoder
{
    public const string Library = "libz.so.1";

    private const int Ok = 0;
    private const int StreamEnd = 1;
    private const int MemoryError = -4;

    /// <summary>Z_BUF_ERROR only says no progress was possible; the caller decides whether input ran out.</summary>
    private const int BufferError = -5;

    private const int NoFlush = 0;

    /// <summary>windowBits 15 plus 16: a 32 KiB window, gzip framing only (no zlib or raw deflate).</summary>
    private const int GzipOnlyWindowBits = 15 + 16;

    public ZlibGzipDecoder()
        : base(Started((nuint)sizeof(ZStream), &End, &Init, result => Failure(result, null)))
    {
    }

    /// <summary>Whether zlib loads here, looked up once.</summary>
    public static bool Available { get; } = NativeLibrary.TryLoad(Library, out _);

    public override string Format => "gzip";

    public override DecodeStep Decode(ReadOnlySpan<byte> input, Span<byte> output, bool finish)
    {
        using var lease = State.Use(out var state);
        var stream = (ZStream*)state;
        fixed (byte* next = input, into = output)
        {
            stream->NextIn = next;
            stream->AvailIn = (uint)input.Length;
            stream->NextOut = into;
            stream->AvailOut = (uint)output.Length;
            var result = Inflate(stream, NoFlush);
            var step = new DecodeStep(input.Length - (int)stream->AvailIn, output.Length - (int)stream->AvailOut, result == StreamEnd);
            stream->NextIn = null;
            stream->NextOut = null;
            return result is Ok or StreamEnd or BufferError ? step : throw Failure(result, stream);
        }
    }

    public override bool IsMemberStart(ReadOnlySpan<byte> head) => head.Length >= 2 && head[0] == 0x1f && head[1] == 0x8b;

    public override void Reset()
    {
        using var lease = State.Use(out var state);
        var result = InflateReset((ZStream*)state);
        if (result != Ok)
        {
            throw Failure(result, (ZStream*)state);
        }
    }

    private static int Init(void* state)
    {
        fixed (byte* version = "1.2.11\0"u8)
        {
            return InflateInit2((ZStream*)state, GzipOnlyWindowBits, version, sizeof(ZStream));
        }
    }

    private static void End(void* state) => _ = InflateEnd((ZStream*)state);

    private static Exception Failure(int result, ZStream* stream) => result == MemoryError
        ? new InsufficientMemoryException("zlib ran out of memory")
        : new InvalidDataException($"gzip data is corrupt ({(stream is null ? null : Marshal.PtrToStringUTF8(stream->Message)) ?? $"zlib error {result}"})");

    /// <summary>zlib's z_stream.</summary>
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
