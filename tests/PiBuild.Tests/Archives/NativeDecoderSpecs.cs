using System.Text;
using PiBuild.Core.Archives;
using PiBuild.Core.Archives.Compression;
using PiBuild.Interop;

namespace PiBuild.Tests.Archives;

/// <summary>
/// The system's zlib, libbz2 and liblzma decode through one stream: every checksum is checked, an early end and a
/// corrupt byte are refused, and the native state is freed once however often it is disposed.
/// </summary>
public sealed class NativeDecoderSpecs
{
    /// <summary>"line 0001\n" … "line 0200\n", compressed by gzip -9n, bzip2 -9 and xz -9.</summary>
    private static readonly Dictionary<ArchiveFormat, byte[]> Compressed = new()
    {
        [ArchiveFormat.TarGzip] = Convert.FromBase64String(
            "H4sIAAAAAAACAz3Tu5EVMQAAQZ8oCOGNtPpsQBhUXZG/CQbX3nhj9dfvP79+fj6ffnz9r6GmetRSWx111ftdfZRHHnnkkUceeeSRx/AYHsNjeAyP4TE8hsfwGB7TY3pMj+kxPabH9Jge02N6PB6Px+PxeDwej8fj8Xg8Ho/H8lgey2N5LI/lsTyWx/JYHttje2yP7bE9tsf22B7bY3scj+NxPI7H8Tgex+N4HI/jcT2ux/W4HtfjelyP63E9rsfr8Xq8Hq/H6/F6vB6vx+vxfj/6fFRqqKketdRWR13lwXmcx3mcx3mcx3mcx3mcx3mcx3mcx3mcx3mcx3mcx3mcx3mcx3mcx3mcx3mcx3mcx3mcx3mcx3mcx3mcx3mcx3mcx3mcx3mcx3mcx3mcx3mcx3mcx3mcx3mcx3mcx3mcx3mcx3mcx3mcx3mcx3mcx3mcx3mcx3mcx3mcx3mcx3mcx3mcx3mcj3/O/wJbeYAs0AcAAA=="),
        [ArchiveFormat.TarBzip2] = Convert.FromBase64String(
            "QlpoOTFBWSZTWXkZo70AAyBZAAAQQAB/4AIlQAIQ4IEUwAE0Mf6qAf+qoAUwAE0EKpQR/+lU0nqZZ6a7b8OegAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA9AIPd3d3d3bbbbbfz++kOhKEoShKEoShKEoS8vBKEoShKEoShKEoShLy8hPJSlKUpSlKUpS+O7u7u222222lKUpSlKUpSlKUpSlLbbAACwqqqqqqgAACqqqqqqgAACqqqqqqgAACqqqqqqgAACqqqqqqgAACqqqqqqgAACqqqqqqgAACqqqqqr2Ag+wEH/AIPsBB/4u5IpwoSDyM0d6A"),
        [ArchiveFormat.TarXz] = Convert.FromBase64String(
            "/Td6WFoAAATm1rRGAgAhARwAAAAQz1jM4AfPALtdADYaSh8IoCpIgV5UB3vtwECOCUPka6qTk4eXKTGYaruxZpjT81Nv13l4xqi/PB80hNHpXArZOQO6keNU4Ei39Hf0sxaDhxUeZKCvhIVB1EMaxagpXk+8tX5/ZLhtczVe79jUeymy9CzKiy2wTpoTF+q/s69As61GxUpgVjvyisqUN9pGiDybdm2++0L6DE8Ytad1P1Ri7pi6jX5spB49MXh/t4JKvEd5FHvxpj/dFUS9ejKpEzcAoqgT9gAAAJdEPDyyF0qoAAHXAdAPAABeLwbcscRn+wIAAAAABFla"),
    };

    private static readonly string Content = string.Concat(Enumerable.Range(1, 200).Select(i => $"line {i:0000}\n"));

    public static TheoryData<string> Formats => ["gzip", "bzip2", "xz"];

    /// <summary>The format a theory names (the formats themselves are internal to pibuild).</summary>
    private static ArchiveFormat Of(string name) => name switch { "gzip" => ArchiveFormat.TarGzip, "bzip2" => ArchiveFormat.TarBzip2, _ => ArchiveFormat.TarXz };

    private static string Decode(ArchiveFormat format, byte[] data, int bufferSize = 4096)
    {
        using var stream = NativeDecoderStream.Open(format, new MemoryStream(data));
        using var output = new MemoryStream();
        stream.CopyTo(output, bufferSize);
        return Encoding.ASCII.GetString(output.ToArray());
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void A_good_stream_decodes_whole_even_a_byte_at_a_time(string name)
    {
        var format = Of(name);
        Assert.Equal(Content, Decode(format, Compressed[format]));
        Assert.Equal(Content, Decode(format, Compressed[format], bufferSize: 1));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Concatenated_streams_and_zero_padding_decode_as_one(string name)
    {
        var format = Of(name);
        byte[] twice = [.. Compressed[format], .. Compressed[format], .. new byte[512]];
        Assert.Equal(Content + Content, Decode(format, twice));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void A_stream_cut_short_is_refused(string name)
    {
        var format = Of(name);
        var data = Compressed[format];
        foreach (var length in new[] { data.Length - 1, data.Length / 2, 12 })
        {
            var e = Assert.Throws<InvalidDataException>(() => Decode(format, data[..length]));
            Assert.Contains(name, e.Message);
        }
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void A_corrupt_byte_is_refused_by_the_formats_checks(string name)
    {
        var format = Of(name);
        var data = (byte[])Compressed[format].Clone();
        data[data.Length / 2] ^= 0x55;
        Assert.Throws<InvalidDataException>(() => Decode(format, data));
    }

    [Theory]
    [InlineData("gzip", true)]
    [InlineData("xz", true)]
    [InlineData("bzip2", false)]
    public void Trailing_garbage_is_refused_as_GNU_tar_does_and_ignored_after_bzip2_as_bzip2_does(string name, bool refused)
    {
        var format = Of(name);
        byte[] data = [.. Compressed[format], .. "garbage!"u8];
        if (refused)
        {
            Assert.Throws<InvalidDataException>(() => Decode(format, data));
        }
        else
        {
            Assert.Equal(Content, Decode(format, data));
        }
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void A_decoder_disposed_twice_frees_once_and_refuses_use_after(string name)
    {
        var format = Of(name);
        var decoder = NativeDecoderStream.Decoder(format);
        decoder.Dispose();
        decoder.Dispose();
        Assert.Throws<ObjectDisposedException>(() => decoder.Decode(Compressed[format], new byte[64], finish: true));

        var stream = NativeDecoderStream.Open(format, new MemoryStream(Compressed[format]));
        stream.Dispose();
        stream.Dispose();
    }

    [Fact]
    public void Each_library_is_looked_up_once_and_found_on_a_Debian_system()
    {
        Assert.True(ZlibGzipDecoder.Available);
        Assert.True(Bzip2Decoder.Available);
        Assert.True(XzDecoder.Available);
    }
}
