using System.Buffers.Binary;

namespace PiBuild.Core.Binaries;

/// <summary>The parts of an ELF header pibuild checks, read straight from the file (no <c>file</c> or <c>readelf</c>).</summary>
internal sealed record ElfFile(
    int Class,
    bool LittleEndian,
    int Machine,
    uint Flags,
    bool HasInterpreter,
    bool HasDynamicSection,
    IReadOnlyList<ElfSegment> LoadSegments,
    long? BuildInfoOffset = null)
{
    /// <summary>PT_INTERP: the dynamic loader the kernel starts the program with; null for a static executable.</summary>
    public string? Interpreter { get; init; }

    /// <summary>DT_NEEDED: the shared libraries the loader must find.</summary>
    public IReadOnlyList<string> Needed { get; init; } = [];

    /// <summary>
    /// Tag_CPU_arch from the <c>.ARM.attributes</c> section: the architecture the linker found the code to need (the
    /// highest of its objects'). Null when there is no such section, as in binaries Go links itself.
    /// </summary>
    public ArmArchitecture? ArmCpuArch { get; init; }

    public const int Class32 = 1;
    public const int Class64 = 2;
    public const int MachineArm = Targets.GoArchitecture.ElfMachineArm;

    /// <summary>EF_ARM_EABIMASK: the top byte of e_flags holds the ARM EABI version.</summary>
    public int ArmEabiVersion => (int)(Flags >> 24);

    public bool IsStatic => !HasInterpreter && !HasDynamicSection;

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

        var sections = Sections(image, data, is64, little);
        var attributes = machine == MachineArm && sections.TryGetValue(".ARM.attributes", out var arm) ? image.ReadAt(arm.Offset, Math.Min(arm.Size, 1 << 16)) : null;
        return new ElfFile(elfClass, little, machine, flags, segments.HasInterpreter, segments.HasDynamic, segments.Loads, sections.TryGetValue(".go.buildinfo", out var info) ? info.Offset : null)
        {
            Interpreter = segments.Interpreter is { } interp && ReadString(image.ReadAt(interp.Offset, Math.Min(interp.Size, 4096))) is { Length: > 0 } loader ? loader : null,
            Needed = segments.Dynamic is { } dynamic ? NeededLibraries(image, image.ReadAt(dynamic.Offset, Math.Min(dynamic.Size, 1 << 20)), is64, little, segments.Loads) : [],
            ArmCpuArch = attributes is null ? null : ArmAttributes.CpuArch(attributes, little),
        };
    }

    /// <summary>The sections that matter here, by name: where each starts in the file and how long it is.</summary>
    private static Dictionary<string, (long Offset, long Size)> Sections(BinaryImage image, ReadOnlySpan<byte> header, bool is64, bool little)
    {
        var found = new Dictionary<string, (long Offset, long Size)>(StringComparer.Ordinal);
        var shoff = is64 ? (long)U64(header, 40, little) : U32(header, 32, little);
        var shentsize = U16(header, is64 ? 58 : 46, little);
        var shnum = U16(header, is64 ? 60 : 48, little);
        var shstrndx = U16(header, is64 ? 62 : 50, little);
        if (shoff <= 0 || shentsize < (is64 ? 64 : 40) || shnum == 0 || shstrndx >= shnum)
        {
            return found;
        }

        var table = image.ReadAt(shoff, (long)shentsize * shnum);
        if (table.Length < shentsize * shnum)
        {
            return found;
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
        for (var i = 0; i < shnum; i++)
        {
            var section = Section(i);
            var name = section.Name < strings.Length ? ReadString(strings.AsSpan((int)section.Name)) : "";
            if (name is ".go.buildinfo" or ".ARM.attributes" && section.Offset >= 0 && section.Size >= 0)
            {
                found.TryAdd(name, (section.Offset, section.Size));
            }
        }

        return found;
    }

    /// <summary>DT_NEEDED names, read from the string table DT_STRTAB points at (a virtual address, found in a loaded segment).</summary>
    private static string[] NeededLibraries(BinaryImage image, byte[] dynamic, bool is64, bool little, List<ElfSegment> loads)
    {
        var entry = is64 ? 16 : 8;
        var needed = new List<ulong>();
        ulong? strtab = null;
        for (var at = 0; at + entry <= dynamic.Length; at += entry)
        {
            var tag = is64 ? U64(dynamic, at, little) : U32(dynamic, at, little);
            var value = is64 ? U64(dynamic, at + 8, little) : U32(dynamic, at + 4, little);
            switch (tag)
            {
                case 0: at = dynamic.Length; break; // DT_NULL
                case 1: needed.Add(value); break; // DT_NEEDED
                case 5: strtab = value; break; // DT_STRTAB
            }
        }

        return strtab is { } address && OffsetOf(loads, address) is { } offset
            ? needed.Select(n => ReadString(image.ReadAt(offset + (long)n, 256))).Where(n => n.Length > 0).ToArray()
            : [];
    }

    private static string ReadString(ReadOnlySpan<byte> bytes)
    {
        var end = bytes.IndexOf((byte)0);
        return System.Text.Encoding.UTF8.GetString(end < 0 ? bytes : bytes[..end]);
    }

    /// <summary>PT_LOAD, PT_DYNAMIC and PT_INTERP from the program header table; null when the table lies outside the data.</summary>
    private static (bool HasInterpreter, bool HasDynamic, List<ElfSegment> Loads, (long Offset, long Size)? Interpreter, (long Offset, long Size)? Dynamic)? ReadProgramHeaders(ReadOnlySpan<byte> data, bool is64, bool little, long phoff, int phentsize, int phnum)
    {
        var hasInterp = false;
        var hasDynamic = false;
        (long, long)? interpreter = null;
        (long, long)? dynamic = null;
        var loads = new List<ElfSegment>();
        for (var i = 0; i < phnum; i++)
        {
            var at = phoff + ((long)i * phentsize);
            if (at < 0 || at + (is64 ? 56 : 32) > data.Length)
            {
                return null;
            }

            var p = (int)at;
            (long, long) contents = is64 ? ((long)U64(data, p + 8, little), (long)U64(data, p + 32, little)) : (U32(data, p + 4, little), U32(data, p + 16, little));
            switch (U32(data, p, little))
            {
                case 1: // PT_LOAD
                    loads.Add(is64
                        ? new ElfSegment(U64(data, p + 16, little), U64(data, p + 8, little), U64(data, p + 32, little))
                        : new ElfSegment(U32(data, p + 8, little), U32(data, p + 4, little), U32(data, p + 16, little)));
                    break;
                case 2: hasDynamic = true; dynamic = contents; break; // PT_DYNAMIC
                case 3: hasInterp = true; interpreter = contents; break; // PT_INTERP
            }
        }

        return (hasInterp, hasDynamic, loads, interpreter, dynamic);
    }

    private static ushort U16(ReadOnlySpan<byte> d, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(d[at..]) : BinaryPrimitives.ReadUInt16BigEndian(d[at..]);

    private static uint U32(ReadOnlySpan<byte> d, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(d[at..]) : BinaryPrimitives.ReadUInt32BigEndian(d[at..]);

    private static ulong U64(ReadOnlySpan<byte> d, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt64LittleEndian(d[at..]) : BinaryPrimitives.ReadUInt64BigEndian(d[at..]);

    /// <summary>The file offset of a virtual address, or null when no loaded segment holds it.</summary>
    public long? FileOffsetOf(ulong address) => OffsetOf(LoadSegments, address);

    private static long? OffsetOf(IEnumerable<ElfSegment> loads, ulong address) =>
        loads.FirstOrDefault(s => address >= s.VirtualAddress && address < s.VirtualAddress + s.FileSize) is { } segment
            ? (long)(address - segment.VirtualAddress + segment.FileOffset)
            : null;
}

/// <summary>A PT_LOAD segment: where bytes at a virtual address are found in the file.</summary>
internal sealed record ElfSegment(ulong VirtualAddress, ulong FileOffset, ulong FileSize);
