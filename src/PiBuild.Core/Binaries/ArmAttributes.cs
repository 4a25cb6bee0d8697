namespace PiBuild.Core.Binaries;

/// <summary>An ARM architecture as <c>Tag_CPU_arch</c> numbers it (ARM IHI 0045, "Addenda to the ARM ABI").</summary>
internal readonly record struct ArmArchitecture(int Tag)
{
    private static readonly string[] Names =
    [
        "pre-ARMv4", "ARMv4", "ARMv4T", "ARMv5T", "ARMv5TE", "ARMv5TEJ", "ARMv6", "ARMv6KZ", "ARMv6T2", "ARMv6K", "ARMv7",
        "ARMv6-M", "ARMv6S-M", "ARMv7E-M", "ARMv8-A", "ARMv8-R", "ARMv8-M.baseline", "ARMv8-M.mainline", "ARMv8.1-A", "ARMv8.2-A",
        "ARMv8.3-A", "ARMv8.1-M.mainline", "ARMv9-A",
    ];

    public override string ToString() => Tag >= 0 && Tag < Names.Length ? Names[Tag] : $"architecture tag {Tag}";
}

/// <summary>Reads <c>Tag_CPU_arch</c> from an <c>.ARM.attributes</c> section: format 'A', then the "aeabi" subsection's file attributes.</summary>
internal static class ArmAttributes
{
    private const int TagFile = 1;
    private const int TagCpuArch = 6;

    public static ArmArchitecture? CpuArch(ReadOnlySpan<byte> section, bool little)
    {
        if (section.Length < 1 || section[0] != (byte)'A')
        {
            return null;
        }

        var at = 1;
        while (at + 4 <= section.Length)
        {
            var length = (int)Math.Min(U32(section[at..], little), (uint)(section.Length - at));
            if (length < 5)
            {
                return null;
            }

            var subsection = section.Slice(at + 4, length - 4);
            var vendorEnd = subsection.IndexOf((byte)0);
            if (vendorEnd > 0 && subsection[..vendorEnd].SequenceEqual("aeabi"u8))
            {
                return FileCpuArch(subsection[(vendorEnd + 1)..], little);
            }

            at += length;
        }

        return null;
    }

    /// <summary>The Tag_File attributes: ULEB128 tags, each with a ULEB128 value, or a NUL-terminated string for the string tags.</summary>
    private static ArmArchitecture? FileCpuArch(ReadOnlySpan<byte> data, bool little)
    {
        var at = 0;
        while (at + 5 <= data.Length)
        {
            var tag = data[at];
            var size = (int)Math.Min(U32(data[(at + 1)..], little), (uint)(data.Length - at));
            if (size < 5)
            {
                return null;
            }

            if (tag == TagFile)
            {
                var attributes = data.Slice(at + 5, size - 5);
                var i = 0;
                while (i < attributes.Length)
                {
                    var name = Uleb(attributes, ref i);
                    if (name == TagCpuArch)
                    {
                        return new ArmArchitecture((int)Uleb(attributes, ref i));
                    }

                    if (IsString(name))
                    {
                        var end = attributes[i..].IndexOf((byte)0);
                        i = end < 0 ? attributes.Length : i + end + 1;
                    }
                    else
                    {
                        if (name == 32)
                        {
                            // Tag_compatibility: a flag, then a string.
                            Uleb(attributes, ref i);
                            var end = attributes[i..].IndexOf((byte)0);
                            i = end < 0 ? attributes.Length : i + end + 1;
                            continue;
                        }

                        Uleb(attributes, ref i);
                    }
                }

                return null;
            }

            at += size;
        }

        return null;
    }

    /// <summary>Tag_CPU_raw_name, Tag_CPU_name and Tag_conformance are strings; above 32 the odd tags are.</summary>
    private static bool IsString(ulong tag) => tag is 4 or 5 or 67 || (tag > 32 && tag % 2 == 1);

    private static ulong Uleb(ReadOnlySpan<byte> data, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; at < data.Length && shift < 64; shift += 7)
        {
            var b = data[at++];
            value |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                break;
            }
        }

        return value;
    }

    private static uint U32(ReadOnlySpan<byte> d, bool little) =>
        little ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(d) : System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(d);
}
