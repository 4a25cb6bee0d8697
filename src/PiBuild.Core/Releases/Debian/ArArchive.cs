using System.Globalization;
using System.Text;

namespace PiBuild.Core.Releases.Debian;

/// <summary>
/// The ar format of a .deb (deb(5)): the <c>!&lt;arch&gt;</c> magic, then per member a 60-byte header (name, mtime,
/// uid, gid, mode, size, as ASCII) and the data padded to an even length. Timestamps and owners are zero, so the
/// same members give the same bytes.
/// </summary>
internal static class ArArchive
{
    public static void Write(Stream output, IEnumerable<(string Name, byte[] Data)> members)
    {
        output.Write("!<arch>\n"u8);
        foreach (var (name, data) in members)
        {
            var header = string.Create(CultureInfo.InvariantCulture, $"{name,-16}{0,-12}{0,-6}{0,-6}{"100644",-8}{data.Length,-10}`\n");
            output.Write(Encoding.ASCII.GetBytes(header));
            output.Write(data);
            if (data.Length % 2 == 1)
            {
                output.WriteByte((byte)'\n');
            }
        }
    }
}
