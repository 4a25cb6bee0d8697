using System.Runtime.InteropServices;

namespace PiBuild.Interop;

/// <summary>
/// zstd through the system's libzstd (a pre-dependency of dpkg, like zlib, libbz2 and liblzma): checks each frame's
/// content checksum when it carries one, refuses frames that need a window above its default limit (128 MiB, as
/// zstd -d does without --long), and reads concatenated frames and skippable frames as zstd -d does.
/// </summary>
internal sealed unsafe partial class ZstdDecoder : NativeDecoder
{
    public const string Library = "libzstd.so.1";

    /// <summary>A zstd frame's magic number (0xFD2FB528, little-endian).</summary>
    private static ReadOnlySpan<byte> FrameMagic => [0x28, 0xb5, 0x2f, 0xfd];

    /// <summary>ZSTD_reset_session_only: the next frame starts afresh, parameters kept.</summary>
    private const int ResetSessionOnly = 1;

    public ZstdDecoder()
        : base(Started((nuint)sizeof(ContextBox), &End, &Init, _ => new InsufficientMemoryException("libzstd could not make a decoder")))
    {
    }

    /// <summary>Whether libzstd loads here, looked up once.</summary>
    public static bool Available { get; } = NativeLibrary.TryLoad(Library, out _);

    public override string Format => "zstd";

    public override DecodeStep Decode(ReadOnlySpan<byte> input, Span<byte> output, bool finish)
    {
        using var lease = State.Use(out var state);
        var context = ((ContextBox*)state)->Context;
        fixed (byte* next = input, into = output)
        {
            var inBuffer = new InBuffer { Source = next, Size = (nuint)input.Length };
            var outBuffer = new OutBuffer { Destination = into, Size = (nuint)output.Length };
            var result = DecompressStream(context, &outBuffer, &inBuffer);
            if (IsError(result) != 0)
            {
                throw new InvalidDataException($"zstd data is corrupt ({Marshal.PtrToStringUTF8((nint)ErrorName(result))})");
            }

            // 0: a frame is decoded and flushed whole; anything else is a hint of how much more input it wants.
            return new DecodeStep((int)inBuffer.Position, (int)outBuffer.Position, result == 0);
        }
    }

    /// <summary>Another frame follows (zstd concatenates frames, as gzip does members), or a skippable frame.</summary>
    public override bool IsMemberStart(ReadOnlySpan<byte> head) =>
        head.StartsWith(FrameMagic) || (head.Length >= 4 && (head[0] & 0xf0) == 0x50 && head[1] == 0x2a && head[2] == 0x4d && head[3] == 0x18);

    public override void Reset()
    {
        using var lease = State.Use(out var state);
        var result = ResetContext(((ContextBox*)state)->Context, ResetSessionOnly);
        if (IsError(result) != 0)
        {
            throw new InvalidDataException($"libzstd could not start the next frame ({Marshal.PtrToStringUTF8((nint)ErrorName(result))})");
        }
    }

    private static int Init(void* state)
    {
        var context = CreateContext();
        ((ContextBox*)state)->Context = context;
        return context == null ? 1 : 0;
    }

    private static void End(void* state) => FreeContext(((ContextBox*)state)->Context);

    /// <summary>The decoder's state as pibuild keeps it: libzstd's own context, made and freed by libzstd.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct ContextBox
    {
        public void* Context;
    }

    /// <summary>ZSTD_inBuffer.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct InBuffer
    {
        public byte* Source;
        public nuint Size;
        public nuint Position;
    }

    /// <summary>ZSTD_outBuffer.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct OutBuffer
    {
        public byte* Destination;
        public nuint Size;
        public nuint Position;
    }

    [LibraryImport(Library, EntryPoint = "ZSTD_createDCtx")]
    private static partial void* CreateContext();

    [LibraryImport(Library, EntryPoint = "ZSTD_freeDCtx")]
    private static partial nuint FreeContext(void* context);

    [LibraryImport(Library, EntryPoint = "ZSTD_DCtx_reset")]
    private static partial nuint ResetContext(void* context, int directive);

    [LibraryImport(Library, EntryPoint = "ZSTD_decompressStream")]
    private static partial nuint DecompressStream(void* context, OutBuffer* output, InBuffer* input);

    [LibraryImport(Library, EntryPoint = "ZSTD_isError")]
    private static partial uint IsError(nuint code);

    [LibraryImport(Library, EntryPoint = "ZSTD_getErrorName")]
    private static partial byte* ErrorName(nuint code);
}
