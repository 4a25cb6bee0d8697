using System.Buffers.Binary;
using System.Text;

namespace PiBuild.Core.Binaries;

/// <summary>
/// What a Go binary says about how it was built (what <c>go version -m</c> prints): the Go version, the main
/// package path and the build settings (<c>GOOS</c>, <c>GOARCH</c>, <c>GOARM</c>, …).
/// </summary>
public sealed record GoBuildInfo(string GoVersion, string? Path, IReadOnlyDictionary<string, string> Settings)
{
    // "\xff Go buildinf:" as bytes (a C# string literal would encode 0xff as two UTF-8 bytes).
    private static ReadOnlySpan<byte> Magic => [0xff, 0x20, 0x47, 0x6f, 0x20, 0x62, 0x75, 0x69, 0x6c, 0x64, 0x69, 0x6e, 0x66, 0x3a];

    public string? Setting(string key) => Settings.GetValueOrDefault(key);

    /// <summary>Reads the <c>.go.buildinfo</c> blob; <paramref name="elf"/> is needed only for pre-1.18 (pointer) layouts.</summary>
    public static GoBuildInfo? TryRead(ReadOnlySpan<byte> data, ElfFile? elf)
    {
        if (FindBlob(data) is not { } offset)
        {
            return null;
        }

        var header = data[offset..];
        var pointerSize = header[14];
        var flags = header[15];
        byte[]? version;
        byte[]? modInfo;
        if ((flags & 2) != 0)
        {
            // Go 1.18+: two varint-prefixed strings follow the 32-byte header.
            var rest = header[32..];
            version = ReadVarintBytes(ref rest);
            modInfo = ReadVarintBytes(ref rest);
        }
        else
        {
            if (elf is null || pointerSize is not (4 or 8))
            {
                return null;
            }

            var bigEndian = (flags & 1) != 0;
            version = ReadPointerBytes(data, elf, header[16..], pointerSize, bigEndian);
            modInfo = ReadPointerBytes(data, elf, header[(16 + pointerSize)..], pointerSize, bigEndian);
        }

        if (version is null)
        {
            return null;
        }

        // The module info is framed by two 16-byte sentinels (not text); what lies between is line-oriented.
        var mod = modInfo ?? [];
        if (mod.Length >= 33 && mod[^17] == (byte)'\n')
        {
            mod = mod[16..^16];
        }

        return Parse(Encoding.UTF8.GetString(version), Encoding.UTF8.GetString(mod));
    }

    /// <summary>The blob is 16-byte aligned in its section, and sections are aligned in the file the same way.</summary>
    private static int? FindBlob(ReadOnlySpan<byte> data)
    {
        for (var offset = 0; ; offset++)
        {
            var found = data[offset..].IndexOf(Magic);
            if (found < 0)
            {
                return null;
            }

            offset += found;
            if (offset % 16 == 0 && offset + 32 <= data.Length)
            {
                return offset;
            }
        }
    }

    internal static GoBuildInfo Parse(string version, string modInfo)
    {
        string? path = null;
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in modInfo.Split('\n'))
        {
            var fields = line.Split('\t');
            if (fields is ["path", var p, ..])
            {
                path = p;
            }
            else if (fields is ["build", var setting, ..] && setting.IndexOf('=') is > 0 and var eq)
            {
                settings[setting[..eq]] = Unquote(setting[(eq + 1)..]);
            }
        }

        return new GoBuildInfo(version, path, settings);
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal) : value;

    private static byte[]? ReadVarintBytes(ref ReadOnlySpan<byte> span)
    {
        ulong length = 0;
        var shift = 0;
        var i = 0;
        while (true)
        {
            if (i >= span.Length || shift > 63)
            {
                return null;
            }

            var b = span[i++];
            length |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                break;
            }

            shift += 7;
        }

        if (length > (ulong)(span.Length - i))
        {
            return null;
        }

        var bytes = span.Slice(i, (int)length).ToArray();
        span = span[(i + (int)length)..];
        return bytes;
    }

    private static byte[]? ReadPointerBytes(ReadOnlySpan<byte> data, ElfFile elf, ReadOnlySpan<byte> at, int pointerSize, bool bigEndian)
    {
        ulong ReadWord(ReadOnlySpan<byte> s) => pointerSize == 8
            ? (bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(s) : BinaryPrimitives.ReadUInt64LittleEndian(s))
            : (bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(s) : BinaryPrimitives.ReadUInt32LittleEndian(s));

        // The pointer leads to a Go string header (data pointer, length), which leads to the bytes.
        if (elf.FileOffsetOf(ReadWord(at)) is not { } headerOffset || headerOffset + (2 * pointerSize) > data.Length)
        {
            return null;
        }

        var stringHeader = data[(int)headerOffset..];
        var length = ReadWord(stringHeader[pointerSize..]);
        if (elf.FileOffsetOf(ReadWord(stringHeader)) is not { } bytesOffset || length > (ulong)(data.Length - bytesOffset))
        {
            return null;
        }

        return data.Slice((int)bytesOffset, (int)length).ToArray();
    }
}
