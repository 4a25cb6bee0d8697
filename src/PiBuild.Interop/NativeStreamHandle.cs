using System.Runtime.InteropServices;

namespace PiBuild.Interop;

/// <summary>
/// A compression library's stream state (z_stream, bz_stream, lzma_stream) in native memory. The memory is released
/// exactly once whatever happens: after a failed initialisation (the library's end call is skipped, since nothing was
/// started), on a second Dispose (a no-op), and by the finalizer when a Dispose was missed.
/// </summary>
internal sealed unsafe class NativeStreamHandle : SafeHandle
{
    private readonly nuint _size;
    private readonly delegate*<void*, void> _end;
    private bool _started;

    /// <param name="size">sizeof the library's stream struct.</param>
    /// <param name="end">The library's end call (inflateEnd, BZ2_bzDecompressEnd, lzma_end) for a started stream.</param>
    public NativeStreamHandle(nuint size, delegate*<void*, void> end)
        : base(0, ownsHandle: true)
    {
        _size = size;
        _end = end;
        SetHandle((nint)NativeMemory.AllocZeroed(size));
    }

    public override bool IsInvalid => handle == 0;

    /// <summary>
    /// Runs the library's init call on zeroed state; <paramref name="init"/> returns the library's result, and the
    /// stream counts as started (its end call due) only when that result is success.
    /// </summary>
    public int Start(delegate*<void*, int> init)
    {
        using var use = Use(out var state);
        if (_started)
        {
            _end(state);
            _started = false;
        }

        NativeMemory.Clear(state, _size);
        var result = init(state);
        _started = result == 0;
        return result;
    }

    /// <summary>The state's address for one call, kept alive until the returned lease is disposed.</summary>
    public Lease Use(out void* state)
    {
        var added = false;
        DangerousAddRef(ref added);
        state = (void*)handle;
        return new Lease(this);
    }

    protected override bool ReleaseHandle()
    {
        if (_started)
        {
            _end((void*)handle);
        }

        NativeMemory.Free((void*)handle);
        return true;
    }

    public readonly struct Lease(NativeStreamHandle owner) : IDisposable
    {
        public void Dispose() => owner.DangerousRelease();
    }
}
