using System.Text;
using PiBuild.Core.Archives;

namespace PiBuild.Tests.Archives;

/// <summary>Header details GNU tar accepts or refuses, read without unpacking anything.</summary>
public sealed class TarArchiveReaderSpecs
{
    private static byte[] Header(string name, Action<byte[]> change, bool signedChecksum = false)
    {
        var header = new byte[512];
        Encoding.ASCII.GetBytes(name).CopyTo(header, 0);
        Encoding.ASCII.GetBytes("0000644\0").CopyTo(header, 100);
        Encoding.ASCII.GetBytes("00000000000\0").CopyTo(header, 124);
        Encoding.ASCII.GetBytes("14555555555\0").CopyTo(header, 136);
        header[156] = (byte)'0';
        Encoding.ASCII.GetBytes("ustar\0" + "00").CopyTo(header, 257);
        change(header);
        "        "u8.CopyTo(header.AsSpan(148));
        var sum = signedChecksum ? header.Sum(b => (sbyte)b) : header.Sum(b => b);
        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(header, 148);
        return header;
    }

    private static TarArchiveReader Reader(params byte[][] blocks) => new(new MemoryStream([.. blocks.SelectMany(b => b), .. new byte[1024]]));

    [Fact]
    public void A_checksum_summed_over_signed_bytes_is_accepted_as_old_tars_wrote_it()
    {
        // A name byte above 0x7f makes the signed and unsigned sums differ.
        var entry = Reader(Header("x", h => h[1] = 0xff, signedChecksum: true)).Next();
        Assert.NotNull(entry);
    }

    [Fact]
    public void A_base_256_size_beyond_octal_range_is_read()
    {
        var header = Header("big", h =>
        {
            h.AsSpan(124, 12).Clear();
            h[124] = 0x80;
            System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(h.AsSpan(128), 20L << 30);
        });
        Assert.Equal(20L << 30, Reader(header).Next()!.Size);
    }

    [Theory]
    [InlineData("mtime", true)]
    [InlineData("mt\0ime", false)]
    public void A_PAX_keyword_holding_a_NUL_is_a_malformed_header_as_in_GNU_tar(string keyword, bool accepted)
    {
        var record = $" {keyword}=1700000000\n";
        var text = $"{record.Length + 2}{record}";
        var data = Encoding.ASCII.GetBytes(text);
        var pax = Header("PaxHeaders/x", h =>
        {
            h[156] = (byte)'x';
            Encoding.ASCII.GetBytes(Convert.ToString(data.Length, 8).PadLeft(11, '0') + "\0").CopyTo(h, 124);
        });
        var body = new byte[512];
        data.CopyTo(body, 0);
        var read = () => Reader(pax, body, Header("x", _ => { })).Next();
        if (accepted)
        {
            Assert.Equal(1700000000, read()!.ModifiedSeconds);
        }
        else
        {
            var e = Assert.Throws<InvalidDataException>(read);
            Assert.Equal("the tar header at byte 0 has an extended header keyword containing a NUL byte", e.Message);
        }
    }

    [Fact]
    public void A_negative_base_256_size_is_refused()
    {
        var header = Header("neg", h =>
        {
            h.AsSpan(124, 12).Fill(0xff);
        });
        var e = Assert.Throws<InvalidDataException>(() => Reader(header).Next());
        Assert.Equal("the tar header at byte 0 has a negative size", e.Message);
    }

    [Fact]
    public void A_lone_zero_block_ends_the_archive_as_in_GNU_tar()
    {
        var reader = new TarArchiveReader(new MemoryStream([.. Header("a", _ => { }), .. new byte[512], .. Header("b", _ => { })]));
        Assert.Equal("a", reader.Next()!.Name);
        Assert.Null(reader.Next());
    }
}
