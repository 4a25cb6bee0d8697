using System.Runtime.InteropServices;

namespace PiBuild.Interop;

/// <summary>bzip2 through libbz2, which checks every block's CRC and the stream's combined CRC.</summary>
internal sealed unsafe partial class Bzip2Decoder : NativeDecoder
{
    public const string Library = "libbz2.so.1.0";

    private const int Ok = 0;
    private const int StreamEnd = 4;
    private const int MemoryError = -3;
    private const int MagicError = -5;

    public Bzip2Decoder()
        : base(Started((nuint)sizeof(BzStream), &End, &Init, Failure))
    {
    }

    /// <summary>Whether libbz2 loads here, looked up once.</summary>
    public static bool Available { get; } = NativeLibrary.TryLoad(Library, out _);

    public override string Format => "bzip2";

    public override bool RefusesTrailingGarbage => false;

    public override DecodeStep Decode(ReadOnlySpan<byte> input, Span<byte> output, bool finish)
    {
        using var lease = State.Use(out var state);
        var stream = (BzStream*)state;
        fixed (byte* next = input, into = output)
        {
            stream->NextIn = next;
            stream->AvailIn = (uint)input.Length;
            stream->NextOut = into;
            stream->AvailOut = (uint)output.Length;
            var result = Decompress(stream);
            var step = new DecodeStep(input.Length - (int)stream->AvailIn, output.Length - (int)stream->AvailOut, result == StreamEnd);
            stream->NextIn = null;
            stream->NextOut = null;
            return result is Ok or StreamEnd ? step : throw Failure(result);
        }
    }

    public override bool IsMemberStart(ReadOnlySpan<byte> head) => head.StartsWith("BZh"u8);

    /// <summary>libbz2 has no reset: the stream is ended and started again.</summary>
    public override void Reset()
    {
        var result = State.Start(&Init);
        if (result != Ok)
        {
            throw Failure(result);
        }
    }

    private static int Init(void* state) => DecompressInit((BzStream*)state, 0, 0);

    private static void End(void* state) => _ = DecompressEnd((BzStream*)state);

    private static Exception Failure(int result) => result switch
    {
        MemoryError => new InsufficientMemoryException("libbz2 ran out of memory"),
        MagicError => new InvalidDataException("bzip2 data is corrupt (a block does not start with the bzip2 magic)"),
        _ => new InvalidDataException($"bzip2 data is corrupt (a block or stream CRC does not match, libbz2 error {result})"),
    };

    /// <summary>libbz2's bz_stream.</summary>
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
