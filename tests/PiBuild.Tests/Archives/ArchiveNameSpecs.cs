using PiBuild.Core.FileSystem;

namespace PiBuild.Tests.Archives;

public sealed class ArchiveNameSpecs
{
    [Theory]
    [InlineData(new byte[] { (byte)'c', (byte)'a', (byte)'f', 0xe9 })]
    [InlineData(new byte[] { 0xff, 0xfe, (byte)'/', 0xc3, 0xa9 })]
    [InlineData(new byte[] { 0xf0, 0x9f, 0x8d, 0x95, (byte)'x' })]
    public void Any_name_bytes_survive_decoding_and_encoding(byte[] bytes)
    {
        Assert.Equal([.. bytes, 0], ArchiveName.Encode(ArchiveName.Decode(bytes)));
    }

    [Theory]
    [InlineData(new byte[] { (byte)'a', (byte)'\n', (byte)'b' }, "a\\nb")]
    [InlineData(new byte[] { 0x1b, (byte)'[', (byte)'2', (byte)'J' }, "\\x1b[2J")]
    [InlineData(new byte[] { (byte)'c', (byte)'a', (byte)'f', 0xe9 }, "caf\\xe9")]
    [InlineData(new byte[] { (byte)'c', (byte)'a', (byte)'f', 0xc3, 0xa9 }, "café")]
    [InlineData(new byte[] { (byte)'a', (byte)'\\', (byte)'b' }, "a\\\\b")]
    public void Names_are_displayed_on_one_line_with_control_characters_and_stray_bytes_escaped(byte[] bytes, string shown)
    {
        Assert.Equal(shown, ArchiveName.Display(ArchiveName.Decode(bytes)));
    }
}
