using System.Buffers.Binary;
using System.Text;

namespace PiBuild.Core.Binaries;

/// <summary>
/// What a Go binary says about how it was built (what <c>go version -m</c> prints): the Go version, the main
/// package path and the build settings (<c>GOOS</c>, <c>GOARCH</c>, <c>GOARM</c>, …).
/// </summary>
internal sealed record GoBuildInfo(string GoVersion, string? Path, IReadOnlyDictionary<string, string> Settings)
{
    // "\xff Go buildinf:" as bytes (a C# string literal would encode 0xff as two UTF-8 bytes).
    private static ReadOnlySpan<byte> Magic => [0xff, 0x20, 0x47, 0x6f, 0x20, 0x62, 0x75, 0x69, 0x6c, 0x64, 0x69, 0x6e, 0x66, 0x3a];

    public string? Setting(string key) => Settings.GetValueOrDefault(key);

    /// <summary>Reads the <c>.go.buildinfo</c> blob; <paramref name="elf"/> is needed only for pre-1.18 (pointer) layouts.</summary>
    public static GoBuildInfo? TryRead(ReadOnlySpan<byte> data, ElfFile? elf)
    {
        using var image = BinaryImage.Of(data.ToArray());
        return TryRead(image, elf);
    }

    /// <summary>
    /// Reads the blob from the <c>.go.buildinfo</c> section when the ELF section table names it, otherwise from the
    /// first 16-byte-aligned magic in the loaded segments (or the whole file, when it is not ELF), as
    /// <c>debug/buildinfo</c> finds it.
    /// </summary>
    internal static GoBuildInfo? TryRead(BinaryImage image, ElfFile? elf)
    {
        long? offset = elf?.BuildInfoOffset is { } section && image.ReadAt(section, Magic.Length).AsSpan().SequenceEqual(Magic) ? section : null;
        if (elf is not null)
        {
            foreach (var segment in elf.LoadSegments)
            {
                offset ??= image.Find(Magic, (long)segment.FileOffset, (long)(segment.FileOffset + segment.FileSize), 16);
            }
        }

        offset ??= elf is null ? image.Find(Magic, 0, image.Length, 16) : null;
        if (offset is not { } at)
        {
            return null;
        }

        var header = image.ReadAt(at, 32);
        if (header.Length < 32)
        {
            return null;
        }

        var pointerSize = header[14];
        var flags = header[15];
        byte[]? version;
        byte[]? modInfo;
        if ((flags & 2) != 0)
        {
            // Go 1.18+: two varint-prefixed strings follow the 32-byte header.
            version = ReadVarintBytes(image, at + 32, out var next);
            modInfo = version is null ? null : ReadVarintBytes(image, next, out _);
        }
        else
        {
            if (elf is null || pointerSize is not (4 or 8))
            {
                return null;
            }

            var bigEndian = (flags & 1) != 0;
            version = ReadPointerBytes(image, elf, header.AsSpan(16), pointerSize, bigEndian);
            modInfo = ReadPointerBytes(image, elf, header.AsSpan(16 + pointerSize), pointerSize, bigEndian);
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

    /// <summary>A varint length and that many bytes at <paramref name="offset"/>; <paramref name="next"/> is where they end.</summary>
    private static byte[]? ReadVarintBytes(BinaryImage image, long offset, out long next)
    {
        next = offset;
        var prefix = image.ReadAt(offset, 10);
        ulong length = 0;
        var shift = 0;
        var i = 0;
        while (true)
        {
            if (i >= prefix.Length || shift > 63)
            {
                return null;
            }

            var b = prefix[i++];
            length |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                break;
            }

            shift += 7;
        }

        if (length > BinaryImage.ReadLimit)
        {
            return null;
        }

        var bytes = image.ReadAt(offset + i, (long)length);
        next = offset + i + (long)length;
        return bytes.Length == (int)length ? bytes : null;
    }

    private static byte[]? ReadPointerBytes(BinaryImage image, ElfFile elf, ReadOnlySpan<byte> at, int pointerSize, bool bigEndian)
    {
        ulong ReadWord(ReadOnlySpan<byte> s) => pointerSize == 8
            ? (bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(s) : BinaryPrimitives.ReadUInt64LittleEndian(s))
            : (bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(s) : BinaryPrimitives.ReadUInt32LittleEndian(s));

        // The pointer leads to a Go string header (data pointer, length), which leads to the bytes.
        if (elf.FileOffsetOf(ReadWord(at)) is not { } headerOffset)
        {
            return null;
        }

        var stringHeader = image.ReadAt(headerOffset, 2 * pointerSize);
        if (stringHeader.Length < 2 * pointerSize)
        {
            return null;
        }

        var length = ReadWord(stringHeader.AsSpan(pointerSize));
        if (elf.FileOffsetOf(ReadWord(stringHeader)) is not { } bytesOffset || length > BinaryImage.ReadLimit)
        {
            return null;
        }

        var bytes = image.ReadAt(bytesOffset, (long)length);
        return bytes.Length == (int)length ? bytes : null;
    }
}
