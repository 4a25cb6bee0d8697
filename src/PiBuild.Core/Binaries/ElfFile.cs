using System.Buffers.Binary;

namespace PiBuild.Core.Binaries;

/// <summary>The parts of an ELF header pibuild checks, read straight from the file (no <c>file</c> or <c>readelf</c>).</summary>
public sealed record ElfFile(
    int Class,
    bool LittleEndian,
    int Machine,
    uint Flags,
    bool HasInterpreter,
    bool HasDynamicSection,
    IReadOnlyList<ElfSegment> LoadSegments)
{
    public const int Class32 = 1;
    public const int Class64 = 2;
    public const int MachineArm = 40;

    /// <summary>EF_ARM_EABIMASK: the top byte of e_flags holds the ARM EABI version.</summary>
    public int ArmEabiVersion => (int)(Flags >> 24);

    public bool IsStatic => !HasInterpreter && !HasDynamicSection;

    /// <summary>The ELF class (32 or 64 bits) from the first bytes of a file, or null when it is not ELF.</summary>
    public static int? ClassOf(ReadOnlySpan<byte> head) =>
        head.Length >= 5 && head[..4].SequenceEqual((ReadOnlySpan<byte>)[0x7f, (byte)'E', (byte)'L', (byte)'F']) && head[4] is Class32 or Class64
            ? head[4]
            : null;

    public static ElfFile? TryRead(ReadOnlySpan<byte> data)
    {
        if (data.Length < 52 || !data[..4].SequenceEqual((ReadOnlySpan<byte>)[0x7f, (byte)'E', (byte)'L', (byte)'F']))
        {
            return null;
        }

        var elfClass = data[4];
        var little = data[5] == 1;
        if (elfClass is not (Class32 or Class64) || data[5] is not (1 or 2))
        {
            return null;
        }

        var is64 = elfClass == Class64;
        if (is64 && data.Length < 64)
        {
            return null;
        }

        var machine = U16(data, 18, little);
        var flags = U32(data, is64 ? 48 : 36, little);
        var phoff = is64 ? (long)U64(data, 32, little) : U32(data, 28, little);
        var phentsize = U16(data, is64 ? 54 : 42, little);
        var phnum = U16(data, is64 ? 56 : 44, little);

        return ReadProgramHeaders(data, is64, little, phoff, phentsize, phnum) is { } segments
            ? new ElfFile(elfClass, little, machine, flags, segments.HasInterpreter, segments.HasDynamic, segments.Loads)
            : null;
    }

    /// <summary>PT_LOAD, PT_DYNAMIC and PT_INTERP from the program header table; null when the table lies outside the data.</summary>
    private static (bool HasInterpreter, bool HasDynamic, List<ElfSegment> Loads)? ReadProgramHeaders(ReadOnlySpan<byte> data, bool is64, bool little, long phoff, int phentsize, int phnum)
    {
        var hasInterp = false;
        var hasDynamic = false;
        var loads = new List<ElfSegment>();
        for (var i = 0; i < phnum; i++)
        {
            var at = phoff + ((long)i * phentsize);
            if (at < 0 || at + (is64 ? 56 : 32) > data.Length)
            {
                return null;
            }

            var p = (int)at;
            switch (U32(data, p, little))
            {
                case 1: // PT_LOAD
                    loads.Add(is64
                        ? new ElfSegment(U64(data, p + 16, little), U64(data, p + 8, little), U64(data, p + 32, little))
                        : new ElfSegment(U32(data, p + 8, little), U32(data, p + 4, little), U32(data, p + 16, little)));
                    break;
                case 2: hasDynamic = true; break; // PT_DYNAMIC
                case 3: hasInterp = true; break; // PT_INTERP
            }
        }

        return (hasInterp, hasDynamic, loads);
    }

    private static ushort U16(ReadOnlySpan<byte> d, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(d[at..]) : BinaryPrimitives.ReadUInt16BigEndian(d[at..]);

    private static uint U32(ReadOnlySpan<byte> d, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(d[at..]) : BinaryPrimitives.ReadUInt32BigEndian(d[at..]);

    private static ulong U64(ReadOnlySpan<byte> d, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt64LittleEndian(d[at..]) : BinaryPrimitives.ReadUInt64BigEndian(d[at..]);

    /// <summary>The file offset of a virtual address, or null when no loaded segment holds it.</summary>
    public long? FileOffsetOf(ulong address) =>
        LoadSegments.FirstOrDefault(s => address >= s.VirtualAddress && address < s.VirtualAddress + s.FileSize) is { } segment
            ? (long)(address - segment.VirtualAddress + segment.FileOffset)
            : null;
}

/// <summary>A PT_LOAD segment: where bytes at a virtual address are found in the file.</summary>
public sealed record ElfSegment(ulong VirtualAddress, ulong FileOffset, ulong FileSize);
