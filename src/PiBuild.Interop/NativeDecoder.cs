namespace PiBuild.Interop;

/// <summary>One call of a decoder: input taken, output given, and whether a compressed stream ended.</summary>
internal readonly record struct DecodeStep(int Consumed, int Produced, bool StreamEnd);

/// <summary>
/// A decompressor in a system library (zlib, libbz2, liblzma: the ones GNU tar's gzip, bzip2 and xz use, and dpkg's
/// pre-dependencies, so every Debian-based system has them). Its state is a <see cref="NativeStreamHandle"/>.
/// Corrupt data throws <see cref="InvalidDataException"/>, an exhausted allocator <see cref="InsufficientMemoryException"/>.
/// </summary>
internal abstract class NativeDecoder : IDisposable
{
    private protected NativeDecoder(NativeStreamHandle state) => State = state;

    /// <summary>The format's name in messages ("gzip").</summary>
    public abstract string Format { get; }

    /// <summary>gzip refuses bytes after the last member (and so does GNU tar); bzip2 ignores them with a warning.</summary>
    public virtual bool RefusesTrailingGarbage => true;

    private protected NativeStreamHandle State { get; }

    /// <summary>Decodes from <paramref name="input"/> into <paramref name="output"/>; <paramref name="finish"/> says no more input will come.</summary>
    /// <remarks>A step that takes and gives nothing means the decoder needs more input than it was given.</remarks>
    public abstract DecodeStep Decode(ReadOnlySpan<byte> input, Span<byte> output, bool finish);

    /// <summary>Whether <paramref name="head"/> starts another member of this format (gzip and bzip2 concatenate).</summary>
    public abstract bool IsMemberStart(ReadOnlySpan<byte> head);

    /// <summary>Prepares the decoder for the next member.</summary>
    public abstract void Reset();

    public void Dispose() => State.Dispose();

    /// <summary>Starts the state, disposing it when the library refuses (the constructor then throws).</summary>
    private protected static unsafe NativeStreamHandle Started(nuint size, delegate*<void*, void> end, delegate*<void*, int> init, Func<int, Exception> failure)
    {
        var state = new NativeStreamHandle(size, end);
        var result = state.Start(init);
        if (result != 0)
        {
            state.Dispose();
            throw failure(result);
        }

        return state;
    }
}
