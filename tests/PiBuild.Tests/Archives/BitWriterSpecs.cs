using PiBuild.Core.Archives.Compression;

namespace PiBuild.Tests.Archives;

/// <summary>bzip2 blocks start at any bit; cutting them out and joining them must not lose or move one.</summary>
public sealed class BitWriterSpecs
{
    private static int BitAt(byte[] data, long bit) => (data[bit / 8] >> (7 - (int)(bit % 8))) & 1;

    [Theory]
    [InlineData(0, 64)]
    [InlineData(3, 61)]
    [InlineData(7, 9)]
    [InlineData(13, 1000)]
    [InlineData(5, 3)]
    public void A_range_of_bits_is_copied_exactly_from_any_offset(int start, int length)
    {
        var source = new byte[200];
        new Random(start * 31 + length).NextBytes(source);
        var writer = new BitWriter(4);
        writer.Write(0b101, 3);
        writer.Copy(source, start, length);
        var copy = writer.ToArray();

        Assert.Equal([1, 0, 1], Enumerable.Range(0, 3).Select(i => BitAt(copy, i)));
        Assert.Equal(Enumerable.Range(0, length).Select(i => BitAt(source, start + i)), Enumerable.Range(0, length).Select(i => BitAt(copy, 3 + i)));
        Assert.Equal((3 + length + 7) / 8, copy.Length);
    }

    [Fact]
    public void Two_blocks_joined_are_the_bits_of_one_then_the_other()
    {
        var data = new byte[64];
        new Random(5).NextBytes(data);
        var first = new BlockBits(data, 5, 100, 9, 0xdeadbeef);
        var second = new BlockBits(data, 105, 77, 9, 0x12345678);
        var joined = first.Append(second);

        Assert.Equal(177, joined.Length);
        Assert.Equal(0xdeadbeefu, joined.Crc);
        Assert.Equal(Enumerable.Range(0, 177).Select(i => BitAt(data, 5 + i)), Enumerable.Range(0, 177).Select(i => BitAt(joined.Data, joined.Start + i)));
    }
}
