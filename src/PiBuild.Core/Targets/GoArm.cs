using System.Globalization;

namespace PiBuild.Core.Targets;

internal enum FloatAbi
{
    /// <summary>No suffix: the toolchain picks (hard float on GOARM=6/7 since Go 1.22 when a VFP is present).</summary>
    Default,
    SoftFloat,
    HardFloat,
}

/// <summary>A GOARM value: level 5–7 and, for Go 1.22 and later, an optional float ABI suffix.</summary>
internal readonly record struct GoArm(int Level, FloatAbi Float)
{
    public bool HasFloatSuffix => Float != FloatAbi.Default;

    public static bool TryParse(string text, out GoArm value)
    {
        value = default;
        var parts = text.Trim().Split(',');
        if (parts.Length > 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var level)
            || level is < 5 or > 7)
        {
            return false;
        }

        var abi = FloatAbi.Default;
        if (parts.Length == 2)
        {
            switch (parts[1])
            {
                case "softfloat": abi = FloatAbi.SoftFloat; break;
                case "hardfloat": abi = FloatAbi.HardFloat; break;
                default: return false;
            }
        }

        value = new GoArm(level, abi);
        return true;
    }

    public override string ToString() => Float switch
    {
        FloatAbi.SoftFloat => $"{Level},softfloat",
        FloatAbi.HardFloat => $"{Level},hardfloat",
        _ => Level.ToString(CultureInfo.InvariantCulture),
    };
}
