using PiBuild.Interop;

namespace PiBuild.Core;

/// <summary>The system pibuild itself runs on.</summary>
public static class HostSystem
{
    /// <summary>Why pibuild cannot run here (it needs Linux), as one line with the way out; null on Linux.</summary>
    public static string? WhyUnsupported => Libc.UnsupportedSystem;
}
