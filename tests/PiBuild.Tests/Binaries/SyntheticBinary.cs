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
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(36), Flags);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(28), 52); // e_phoff
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(42), 32); // e_phentsize
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(44), (ushort)(Dynamic ? 2 : 1));
        WriteSegment(data, 52, type: 1, offset: 0, address: 0x10000, size: 1024);
        if (Dynamic)
        {
            WriteSegment(data, 84, type: 3, offset: 0, address: 0, size: 0);
        }

        if (WithBuildInfo)
        {
            WriteBuildInfo(data.AsSpan(0x200));
        }

        return data;
    }

    public string WriteTo(string directory, string name = "binary")
    {
        var path = System.IO.Path.Combine(directory, name);
        File.WriteAllBytes(path, Bytes());
        return path;
    }

    private static void WriteSegment(byte[] data, int at, uint type, uint offset, uint address, uint size)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(at), type);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(at + 4), offset);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(at + 8), address);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(at + 16), size);
    }

    private void WriteBuildInfo(Span<byte> at)
    {
        byte[] magic = [0xff, .. " Go buildinf:"u8];
        magic.CopyTo(at);
        at[14] = 4;
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
