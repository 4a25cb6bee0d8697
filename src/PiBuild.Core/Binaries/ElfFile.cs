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
    IReadOnlyList<ElfSegment> LoadSegments,
    long? BuildInfoOffset = null)
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
        using var image = BinaryImage.Of(data.ToArray());
        return TryRead(image);
    }

    /// <summary>Reads the ELF header, the program headers and the section table; nothing else of the file.</summary>
    internal static ElfFile? TryRead(BinaryImage image)
    {
        var data = image.ReadAt(0, 64).AsSpan();
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
        var programHeaders = image.ReadAt(phoff, (long)phentsize * phnum);
        if (ReadProgramHeaders(programHeaders, is64, little, 0, phentsize, phnum) is not { } segments)
        {
            return null;
        }

        return new ElfFile(elfClass, little, machine, flags, segments.HasInterpreter, segments.HasDynamic, segments.Loads, BuildInfoSection(image, data, is64, little));
    }

    /// <summary>Where the <c>.go.buildinfo</c> section starts in the file, from the section table; null without one.</summary>
    private static long? BuildInfoSection(BinaryImage image, ReadOnlySpan<byte> header, bool is64, bool little)
    {
        var shoff = is64 ? (long)U64(header, 40, little) : U32(header, 32, little);
        var shentsize = U16(header, is64 ? 58 : 46, little);
        var shnum = U16(header, is64 ? 60 : 48, little);
        var shstrndx = U16(header, is64 ? 62 : 50, little);
        if (shoff <= 0 || shentsize < (is64 ? 64 : 40) || shnum == 0 || shstrndx >= shnum)
        {
            return null;
        }

        var table = image.ReadAt(shoff, (long)shentsize * shnum);
        if (table.Length < shentsize * shnum)
        {
            return null;
        }

        (uint Name, long Offset, long Size) Section(int index)
        {
            var s = table.AsSpan(index * shentsize);
            return is64
                ? (U32(s, 0, little), (long)U64(s, 24, little), (long)U64(s, 32, little))
                : (U32(s, 0, little), U32(s, 16, little), U32(s, 20, little));
        }

        var names = Section(shstrndx);
        var strings = image.ReadAt(names.Offset, Math.Min(names.Size, 1 << 20));
        var wanted = ".go.buildinfo\0"u8;
        for (var i = 0; i < shnum; i++)
        {
            var section = Section(i);
            if (section.Name < strings.Length && strings.AsSpan((int)section.Name).StartsWith(wanted))
            {
                return section.Offset;
            }
        }

        return null;
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
