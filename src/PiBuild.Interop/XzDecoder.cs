using System.Runtime.InteropServices;

namespace PiBuild.Interop;

/// <summary>xz through liblzma, which checks each block's integrity check (CRC-32, CRC-64 or SHA-256) and the index.</summary>
internal sealed unsafe partial class XzDecoder : NativeDecoder
{
    public const string Library = "liblzma.so.5";

    private const int Ok = 0;
    private const int StreamEnd = 1;
    private const int MemoryError = 5;
    private const int MemoryLimitError = 6;
    private const int FormatError = 7;
    private const int OptionsError = 8;

    /// <summary>LZMA_BUF_ERROR only says no progress was possible; the caller decides whether input ran out.</summary>
    private const int BufferError = 10;

    /// <summary>LZMA_CONCATENATED: concatenated streams and the zero padding between them are xz's own business, as with xz -d.</summary>
    private const uint Concatenated = 0x08;

    private const int Run = 0;
    private const int Finish = 3;

    public XzDecoder()
        : base(Started((nuint)sizeof(LzmaStream), &End, &Init, Failure))
    {
    }

    /// <summary>Whether liblzma loads here, looked up once.</summary>
    public static bool Available { get; } = NativeLibrary.TryLoad(Library, out _);

    public override string Format => "xz";

    public override DecodeStep Decode(ReadOnlySpan<byte> input, Span<byte> output, bool finish)
    {
        using var lease = State.Use(out var state);
        var stream = (LzmaStream*)state;
        fixed (byte* next = input, into = output)
        {
            stream->NextIn = next;
            stream->AvailIn = (nuint)input.Length;
            stream->NextOut = into;
            stream->AvailOut = (nuint)output.Length;
            var result = Code(stream, finish ? Finish : Run);
            var step = new DecodeStep(input.Length - (int)stream->AvailIn, output.Length - (int)stream->AvailOut, result == StreamEnd);
            stream->NextIn = null;
            stream->NextOut = null;
            if (result == BufferError && finish && step.Produced == 0)
            {
                throw new InvalidDataException("the xz stream ends early");
            }

            return result is Ok or StreamEnd or BufferError ? step : throw Failure(result);
        }
    }

    /// <summary>liblzma reads concatenated streams itself: there is never a next member to start.</summary>
    public override bool IsMemberStart(ReadOnlySpan<byte> head) => false;

    public override void Reset() => throw new InvalidOperationException("liblzma reads concatenated streams itself");

    private static int Init(void* state) => StreamDecoder((LzmaStream*)state, ulong.MaxValue, Concatenated);

    private static void End(void* state) => EndStream((LzmaStream*)state);

    private static Exception Failure(int result) => result switch
    {
        MemoryError or MemoryLimitError => new InsufficientMemoryException("liblzma ran out of memory"),
        FormatError => new InvalidDataException("xz data is corrupt (not in the xz format)"),
        OptionsError => new InvalidDataException("xz data uses options liblzma does not support"),
        _ => new InvalidDataException($"xz data is corrupt (a check does not match, or bytes follow the stream; liblzma error {result})"),
    };

    /// <summary>liblzma's lzma_stream.</summary>
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
    private static partial void EndStream(LzmaStream* stream);
}
