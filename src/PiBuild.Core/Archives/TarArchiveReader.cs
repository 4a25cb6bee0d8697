using System.Globalization;
using System.Text;
using PiBuild.Core.FileSystem;

namespace PiBuild.Core.Archives;

/// <summary>
/// Reads tar as GNU tar 1.34 extracts it: V7, ustar, GNU (long names, base-256 numbers, old sparse files) and
/// PAX (per-entry and global headers, sparse formats 0.0, 0.1 and 1.0). Every header's checksum is checked;
/// a stream that ends inside a header or an entry's data is an error, one that ends at a header boundary
/// without the end-of-archive blocks is not (GNU tar accepts both the same way).
/// </summary>
internal sealed class TarArchiveReader(Stream input)
{
    private const int Block = 512;

    // Long names and extended headers are held in memory; GNU tar names are at most a few KiB.
    private const int MetadataLimit = 1 << 20;
    private readonly Dictionary<string, string> _global = new(StringComparer.Ordinal);
    private readonly byte[] _header = new byte[Block];
    private long _position;
    private EntryData? _current;

    /// <summary>The next entry, or null at the end of the archive. The previous entry's data is skipped if unread.</summary>
    public ArchiveMember? Next()
    {
        if (_current is not null)
        {
            Skip(_current.Remaining + Padding(_current.DataLength));
            _current = null;
        }

        byte[]? longName = null, longLink = null;
        List<KeyValuePair<string, string>>? pax = null;
        while (true)
        {
            var start = _position;
            if (!ReadHeader())
            {
                return null;
            }

            var type = (char)_header[156];
            var size = Number(124, 12, "size", start);
            if (size < 0)
            {
                throw Corrupt(start, "has a negative size");
            }

            switch (type)
            {
                case 'L':
                    longName = UntilNul(ReadMetadata(size, start));
                    continue;
                case 'K':
                    longLink = UntilNul(ReadMetadata(size, start));
                    continue;
                case 'x':
                    // Several extended headers before one entry: the last one counts, as with GNU tar.
                    pax = ParsePax(ReadMetadata(size, start), start);
                    continue;
                case 'g':
                    foreach (var (key, value) in ParsePax(ReadMetadata(size, start), start))
                    {
                        _global[key] = value;
                    }

                    continue;
                case 'V':
                    Skip(size + Padding(size));
                    continue;
                case 'M' or 'N':
                    throw new InvalidDataException($"the tar entry at byte {start} is part of a multi-volume archive, which pibuild does not unpack");
            }

            return Entry(type, size, start, longName, longLink, pax ?? []);
        }
    }

    private ArchiveMember Entry(char type, long size, long start, byte[]? longName, byte[]? longLink, List<KeyValuePair<string, string>> pax)
    {
        string? Get(string key) => pax.FindLast(p => p.Key == key) is { Key: not null } found ? found.Value : _global.GetValueOrDefault(key);

        var magic = _header.AsSpan(257, 8);
        var posix = magic[..6].SequenceEqual("ustar\0"u8);
        var gnu = magic.SequenceEqual("ustar  \0"u8);
        var headerName = UntilNul(_header.AsSpan(0, 100));
        var prefix = posix ? UntilNul(_header.AsSpan(345, 155)) : [];
        var name = Get("path")
            ?? ArchiveName.Decode(longName ?? (prefix.Length > 0 ? [.. prefix, (byte)'/', .. headerName] : headerName));
        var linkName = Get("linkpath") ?? ArchiveName.Decode(longLink ?? UntilNul(_header.AsSpan(157, 100)));
        if (Get("size") is { } paxSize)
        {
            size = ParseDecimal(paxSize, "size", start);
        }

        var (seconds, nanoseconds) = Get("mtime") is { } paxTime ? ParseTime(paxTime, start) : (Number(136, 12, "mtime", start), 0);
        var mode = (UnixFileMode)(Number(100, 8, "mode", start) & 0xFFF);
        var kind = type switch
        {
            '1' => MemberKind.Hardlink,
            '2' => MemberKind.Symlink,
            '3' => MemberKind.CharacterDevice,
            '4' => MemberKind.BlockDevice,
            '5' or 'D' => MemberKind.Directory,
            '6' => MemberKind.Fifo,

            // Old archives mark directories by a trailing slash; unknown types are extracted as files, as GNU tar does.
            _ when name.EndsWith('/') => MemberKind.Directory,
            _ => MemberKind.File,
        };

        // Links, devices and FIFOs carry no data whatever their size field says (as Go's archive/tar reads them).
        var dataLength = kind is MemberKind.File or MemberKind.Directory ? size : 0;
        IReadOnlyList<SparseRegion>? sparse = null;
        var fileSize = dataLength;
        if (type == 'S' && gnu)
        {
            (sparse, fileSize) = OldGnuSparse(start);
        }
        else if (kind == MemberKind.File && (Get("GNU.sparse.major") is not null || Get("GNU.sparse.map") is not null || Get("GNU.sparse.numblocks") is not null))
        {
            name = Get("GNU.sparse.name") ?? name;
            fileSize = ParseDecimal(Get("GNU.sparse.realsize") ?? Get("GNU.sparse.size") ?? throw Corrupt(start, "is a sparse file without its size"), "sparse size", start);
            _current = new EntryData(this, dataLength, name);
            sparse = Get("GNU.sparse.major") == "1" ? SparseMapFromData(_current, start) : PaxSparseMap(pax, Get("GNU.sparse.map"), start);
        }

        _current ??= new EntryData(this, dataLength, name);
        if (sparse is not null)
        {
            CheckSparse(sparse, fileSize, _current.Remaining, start);
        }

        return new ArchiveMember(name, kind, mode, seconds, nanoseconds, fileSize, linkName, kind == MemberKind.File ? _current : null, sparse);
    }

    private (IReadOnlyList<SparseRegion> Regions, long Size) OldGnuSparse(long start)
    {
        var regions = new List<SparseRegion>();
        ReadRegions(386, 4, regions, start);
        var size = Number(483, 12, "sparse size", start);
        var extended = _header[482] != 0;
        while (extended)
        {
            if (!ReadBlock(_header))
            {
                throw new InvalidDataException($"the archive ends inside the sparse map of the tar entry at byte {start}");
            }

            ReadRegions(0, 21, regions, start);
            extended = _header[504] != 0;
        }

        return (regions, size);
    }

    private void ReadRegions(int offset, int count, List<SparseRegion> regions, long start)
    {
        for (var i = 0; i < count; i++)
        {
            var at = offset + (i * 24);
            if (_header[at] == 0 && _header[at + 12] == 0)
            {
                return;
            }

            regions.Add(new SparseRegion(Number(at, 12, "sparse offset", start), Number(at + 12, 12, "sparse length", start)));
        }
    }

    private static List<SparseRegion> PaxSparseMap(List<KeyValuePair<string, string>> pax, string? map, long start)
    {
        var numbers = new List<long>();
        if (map is not null)
        {
            // Format 0.1: "offset,length,offset,length,…".
            numbers.AddRange(map.Length == 0 ? [] : map.Split(',').Select(n => ParseDecimal(n, "sparse map", start)));
        }
        else
        {
            // Format 0.0: the pairs are repeated keywords, in order.
            numbers.AddRange(pax.Where(p => p.Key is "GNU.sparse.offset" or "GNU.sparse.numbytes").Select(p => ParseDecimal(p.Value, "sparse map", start)));
        }

        return Pairs(numbers, start);
    }

    /// <summary>Format 1.0: the map is decimal lines at the start of the data, padded to a block.</summary>
    private static List<SparseRegion> SparseMapFromData(EntryData data, long start)
    {
        var numbers = new List<long>();
        var line = new StringBuilder();
        long count = -1;
        var used = 0L;
        var block = new byte[Block];
        while (count < 0 || numbers.Count < count * 2)
        {
            data.ReadExactly(block);
            used += Block;
            foreach (var b in block)
            {
                if (count >= 0 && numbers.Count == count * 2)
                {
                    break;
                }

                if (b != '\n')
                {
                    line.Append((char)b);
                    continue;
                }

                var value = ParseDecimal(line.ToString(), "sparse map", start);
                line.Clear();
                if (count < 0)
                {
                    count = value <= MetadataLimit ? value : throw Corrupt(start, $"has a sparse map of {value} regions");
                }
                else
                {
                    numbers.Add(value);
                }
            }

            if (line.Length > 64)
            {
                throw Corrupt(start, "has a sparse map that is not decimal lines");
            }
        }

        return Pairs(numbers, start);
    }

    private static List<SparseRegion> Pairs(List<long> numbers, long start) => numbers.Count % 2 == 0
        ? [.. numbers.Chunk(2).Select(pair => new SparseRegion(pair[0], pair[1]))]
        : throw Corrupt(start, "has a sparse map with an odd count of numbers");

    /// <summary>Regions in order, without overlap, inside the file, and exactly as many bytes as the archive holds for them.</summary>
    private static void CheckSparse(IReadOnlyList<SparseRegion> regions, long fileSize, long stored, long start)
    {
        long end = 0, total = 0;
        foreach (var (offset, length) in regions)
        {
            if (offset < end || length < 0 || offset > fileSize - length)
            {
                throw Corrupt(start, "has a sparse map whose regions overlap or lie outside the file");
            }

            end = offset + length;
            total += length;
        }

        if (total != stored || fileSize < 0)
        {
            throw Corrupt(start, $"has a sparse map of {total} bytes for {stored} bytes of data");
        }
    }

    private bool ReadHeader()
    {
        var start = _position;
        if (!ReadBlock(_header))
        {
            return false;
        }

        if (!_header.AsSpan().ContainsAnyExcept((byte)0))
        {
            // The end-of-archive marker; what follows it is not read as entries (GNU tar stops here too).
            return false;
        }

        var stored = ParseOctal(_header.AsSpan(148, 8));
        long unsigned = 0, signed = 0;
        for (var i = 0; i < Block; i++)
        {
            var b = i is >= 148 and < 156 ? (byte)' ' : _header[i];
            unsigned += b;
            signed += (sbyte)b;
        }

        return stored == unsigned || stored == signed ? true : throw Corrupt(start, "is corrupt (its checksum does not match)");
    }

    /// <summary>Reads one block; false at a clean end of the stream, an error inside a block.</summary>
    private bool ReadBlock(byte[] block)
    {
        var read = input.ReadAtLeast(block, Block, throwOnEndOfStream: false);
        _position += read;
        return read switch
        {
            0 => false,
            < Block => throw new InvalidDataException($"the archive ends inside a tar header at byte {_position - read}"),
            _ => true,
        };
    }

    private byte[] ReadMetadata(long size, long start)
    {
        if (size > MetadataLimit)
        {
            throw Corrupt(start, $"holds a long name or extended header of {size} bytes");
        }

        var data = new byte[size];
        ReadData(data, start);
        Skip(Padding(size));
        return data;
    }

    private void ReadData(Span<byte> data, long start)
    {
        var read = input.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        _position += read;
        if (read < data.Length)
        {
            throw new InvalidDataException($"the archive ends inside the tar entry at byte {start}");
        }
    }

    private void Skip(long count)
    {
        Span<byte> scratch = stackalloc byte[Block * 8];
        while (count > 0)
        {
            var read = input.Read(scratch[..(int)Math.Min(count, scratch.Length)]);
            if (read == 0)
            {
                throw new InvalidDataException($"the archive ends inside a tar entry, at byte {_position}");
            }

            _position += read;
            count -= read;
        }
    }

    private static long Padding(long size) => (Block - (size % Block)) % Block;

    private static byte[] UntilNul(ReadOnlySpan<byte> field)
    {
        var nul = field.IndexOf((byte)0);
        return (nul < 0 ? field : field[..nul]).ToArray();
    }

    private static List<KeyValuePair<string, string>> ParsePax(byte[] data, long start)
    {
        var records = new List<KeyValuePair<string, string>>();
        var rest = data.AsSpan();
        while (!rest.IsEmpty)
        {
            var space = rest.IndexOf((byte)' ');
            if (space <= 0 || !int.TryParse(rest[..space], NumberStyles.None, CultureInfo.InvariantCulture, out var length)
                || length <= space + 1 || length > rest.Length || rest[length - 1] != '\n')
            {
                throw Corrupt(start, "has a malformed extended header record");
            }

            var record = rest[(space + 1)..(length - 1)];
            var equals = record.IndexOf((byte)'=');
            if (equals <= 0)
            {
                throw Corrupt(start, "has an extended header record without a keyword");
            }

            // A keyword is text up to '='; a NUL in it is a malformed header to GNU tar and Go's archive/tar alike.
            if (record[..equals].Contains((byte)0))
            {
                throw Corrupt(start, "has an extended header keyword containing a NUL byte");
            }

            var key = Encoding.UTF8.GetString(record[..equals]);
            var value = record[(equals + 1)..];
            if (key is "path" or "linkpath" or "GNU.sparse.name" && value.IndexOf((byte)0) is >= 0 and var nul)
            {
                // GNU tar cuts a name at its first NUL.
                value = value[..nul];
            }

            records.Add(new(key, ArchiveName.Decode(value)));
            rest = rest[length..];
        }

        return records;
    }

    private long Number(int offset, int length, string field, long start)
    {
        var bytes = _header.AsSpan(offset, length);
        if ((bytes[0] & 0x80) == 0)
        {
            return ParseOctal(bytes) ?? throw Corrupt(start, $"has a {field} field that is not a number");
        }

        // GNU base-256: big-endian two's complement after the marker bit (0x80 positive, 0xff negative).
        var invert = (bytes[0] & 0x40) != 0 ? (byte)0xff : (byte)0;
        ulong value = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = (byte)(bytes[i] ^ invert);
            if (i == 0)
            {
                b &= 0x7f;
            }

            if (value >> 56 != 0)
            {
                throw Corrupt(start, $"has a {field} beyond 64 bits");
            }

            value = (value << 8) | b;
        }

        return value >> 63 != 0 ? throw Corrupt(start, $"has a {field} beyond 64 bits")
            : invert != 0 ? ~(long)value : (long)value;
    }

    private static long? ParseOctal(ReadOnlySpan<byte> field)
    {
        field = field.Trim((ReadOnlySpan<byte>)[0, (byte)' ']);
        long value = 0;
        foreach (var b in field)
        {
            if (b is < (byte)'0' or > (byte)'7' || value > (long.MaxValue >> 3))
            {
                return null;
            }

            value = (value << 3) | (long)(b - '0');
        }

        return value;
    }

    private static long ParseDecimal(string text, string field, long start) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : throw Corrupt(start, $"has a {field} of '{ArchiveName.Display(text)}'");

    /// <summary>A PAX time: decimal seconds, maybe negative, maybe with a fraction. Out of 64 bits is an error, as in GNU tar.</summary>
    private static (long Seconds, int Nanoseconds) ParseTime(string text, long start)
    {
        var negative = text.StartsWith('-');
        var parts = text.TrimStart('-').Split('.', 2);
        if (!long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || (parts.Length == 2 && !parts[1].All(char.IsAsciiDigit)))
        {
            throw Corrupt(start, $"has a time of '{ArchiveName.Display(text)}' that is out of range or not a number");
        }

        var fraction = parts.Length == 2 ? parts[1].PadRight(9, '0')[..9] : "0";
        var nanoseconds = int.Parse(fraction, NumberStyles.None, CultureInfo.InvariantCulture);
        if (!negative)
        {
            return (seconds, nanoseconds);
        }

        // Negative times round down to whole seconds plus a positive fraction, as timespec wants.
        return nanoseconds == 0 ? (-seconds, 0) : (-seconds - 1, 1_000_000_000 - nanoseconds);
    }

    private static InvalidDataException Corrupt(long offset, string what) => new($"the tar header at byte {offset} {what}");

    /// <summary>An entry's data: exactly its length, and an error (not a short file) if the archive ends inside it.</summary>
    private sealed class EntryData(TarArchiveReader reader, long length, string name) : Streams.ReadOnlyStream
    {
        public long DataLength { get; } = length;

        public long Remaining { get; private set; } = length;

        public override int Read(Span<byte> buffer)
        {
            if (Remaining == 0 || buffer.IsEmpty)
            {
                return 0;
            }

            var read = reader.ReadSome(buffer[..(int)Math.Min(buffer.Length, Remaining)]);
            if (read == 0)
            {
                throw new InvalidDataException($"the archive ends inside '{ArchiveName.Display(name)}'");
            }

            Remaining -= read;
            return read;
        }
    }

    private int ReadSome(Span<byte> buffer)
    {
        var read = input.Read(buffer);
        _position += read;
        return read;
    }
}
