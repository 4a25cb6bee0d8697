using System.Buffers.Binary;
using System.Text;

namespace PiBuild.Tests.Binaries;

/// <summary>
/// Writes the bytes a Go linker would: an ELF header with program headers and a Go 1.18+ build info blob,
/// so that the verifier can be specified without a compiler. Real binaries are checked in the integration tests.
/// </summary>
internal sealed record SyntheticBinary
{
    public int ElfClass { get; init; } = 1;
    public ushort Machine { get; init; } = 40;
    public uint Flags { get; init; } = 0x05000002;
    public bool Dynamic { get; init; }
    public string GoVersion { get; init; } = "go1.19.8";
    public string Path { get; init; } = "cmd/helloworld";
    public IReadOnlyDictionary<string, string> Settings { get; init; } =
        new Dictionary<string, string> { ["GOOS"] = "linux", ["GOARCH"] = "arm", ["GOARM"] = "6", ["CGO_ENABLED"] = "0" };

    public bool WithBuildInfo { get; init; } = true;

    /// <summary>A 32-bit ARM binary as Go 1.19 writes it for GOARM=<paramref name="goarm"/>.</summary>
    public static SyntheticBinary ForGoArm(string goarm) => new()
    {
        Settings = new Dictionary<string, string> { ["GOOS"] = "linux", ["GOARCH"] = "arm", ["GOARM"] = goarm, ["CGO_ENABLED"] = "0" },
    };

    /// <summary>A 64-bit ARM binary as Go 1.23 writes it for a board of the given GOARM64 level (null: Go 1.22 and older).</summary>
    public static SyntheticBinary Arm64(string? goarm64) => new()
    {
        ElfClass = 2,
        Machine = 183,
        Flags = 0,
        GoVersion = goarm64 is null ? "go1.22.12" : "go1.23.5",
        Settings = goarm64 is null
            ? new Dictionary<string, string> { ["GOOS"] = "linux", ["GOARCH"] = "arm64", ["CGO_ENABLED"] = "0" }
            : new Dictionary<string, string> { ["GOOS"] = "linux", ["GOARCH"] = "arm64", ["GOARM64"] = goarm64, ["CGO_ENABLED"] = "0" },
    };

    public byte[] Bytes()
    {
        var data = new byte[1024];
        data[0] = 0x7f;
        "ELF"u8.CopyTo(data.AsSpan(1));
        data[4] = (byte)ElfClass;
        data[5] = 1;
        data[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(16), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(18), Machine);
        var is64 = ElfClass == 2;
        var headerSize = is64 ? 64 : 52;
        var entrySize = is64 ? 56 : 32;
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(is64 ? 48 : 36), Flags);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(is64 ? 32 : 28), (uint)headerSize); // e_phoff
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(is64 ? 54 : 42), (ushort)entrySize); // e_phentsize
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(is64 ? 56 : 44), (ushort)(Dynamic ? 2 : 1));
        WriteSegment(data, headerSize, is64, type: 1, offset: 0, address: 0x10000, size: 1024);
        if (Dynamic)
        {
            WriteSegment(data, headerSize + entrySize, is64, type: 3, offset: 0, address: 0, size: 0);
        }

        if (WithBuildInfo)
        {
            WriteBuildInfo(data.AsSpan(0x200), pointerSize: (byte)(is64 ? 8 : 4));
        }

        return data;
    }

    public string WriteTo(string directory, string name = "binary")
    {
        var path = System.IO.Path.Combine(directory, name);
        File.WriteAllBytes(path, Bytes());
        return path;
    }

    private static void WriteSegment(byte[] data, int at, bool is64, uint type, uint offset, uint address, uint size)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(at), type);
        if (is64)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(at + 8), offset);
            BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(at + 16), address);
            BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(at + 32), size);
            return;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(at + 4), offset);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(at + 8), address);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(at + 16), size);
    }

    private void WriteBuildInfo(Span<byte> at, byte pointerSize)
    {
        byte[] magic = [0xff, .. " Go buildinf:"u8];
        magic.CopyTo(at);
        at[14] = pointerSize;
        at[15] = 2;
        var modInfo = new StringBuilder($"path\t{Path}\n");
        foreach (var (key, value) in Settings)
        {
            modInfo.Append($"build\t{key}={value}\n");
        }

        byte[] sentinelStart = [0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02, 0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18, 0xe6];
        byte[] sentinelEnd = [0xf9, 0x32, 0x43, 0x31, 0x86, 0x18, 0x20, 0x72, 0x00, 0x82, 0x42, 0x10, 0x41, 0x16, 0xd8, 0xf2];
        var rest = at[32..];
        var written = WriteVarintBytes(rest, Encoding.UTF8.GetBytes(GoVersion));
        WriteVarintBytes(rest[written..], [.. sentinelStart, .. Encoding.UTF8.GetBytes(modInfo.ToString()), .. sentinelEnd]);
    }

    private static int WriteVarintBytes(Span<byte> to, byte[] bytes)
    {
        var i = 0;
        var length = (uint)bytes.Length;
        while (length >= 0x80)
        {
            to[i++] = (byte)(length | 0x80);
            length >>= 7;
        }

        to[i++] = (byte)length;
        bytes.CopyTo(to[i..]);
        return i + bytes.Length;
    }
}
