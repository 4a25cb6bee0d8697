namespace PiBuild.Core.FileSystem;

/// <summary>
/// Opening a file pibuild reads as input (a profile, pibuild.yaml, a binary to verify): only a regular file, so a
/// FIFO cannot hang it and <c>/dev/zero</c> cannot fill memory; errors are one line naming the file.
/// </summary>
internal static class RegularFile
{
    /// <summary>Opens <paramref name="path"/> for reading, or says what it is instead (<paramref name="what"/>: "a profile").</summary>
    public static FileStream Open(string path, string what)
    {
        switch (PosixFiles.KindOf(path))
        {
            case null:
                throw new ConfigurationException($"{path}: no such file");
            case FileKind.Regular:
                break;
            case var kind:
                throw new ConfigurationException($"{path} is {Describe(kind.Value)}, not a regular file; {what} must be a regular file");
        }

        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"cannot read {path} ({e.Message})", e);
        }
    }

    /// <summary>A text file of at most <paramref name="limit"/> bytes.</summary>
    public static string ReadText(string path, string what, int limit = 1 << 20)
    {
        using var reader = new StreamReader(new MemoryStream(ReadBytes(path, what, limit)));
        return reader.ReadToEnd();
    }

    /// <summary>
    /// A file of at most <paramref name="limit"/> bytes, whole: refused before reading when it says it is larger, and
    /// as soon as it is larger when it grows while being read.
    /// </summary>
    public static byte[] ReadBytes(string path, string what, int limit)
    {
        using var stream = Open(path, what);
        if (stream.Length > limit)
        {
            throw TooLarge(path, what, stream.Length, limit);
        }

        var buffer = new byte[stream.Length + 1];
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (read < buffer.Length)
        {
            return buffer[..read];
        }

        using var grown = new MemoryStream();
        grown.Write(buffer, 0, read);
        var chunk = new byte[1 << 16];
        while ((read = stream.Read(chunk)) > 0)
        {
            if (grown.Length + read > limit)
            {
                throw TooLarge(path, what, grown.Length + read, limit);
            }

            grown.Write(chunk, 0, read);
        }

        return grown.ToArray();
    }

    private static ConfigurationException TooLarge(string path, string what, long size, int limit) =>
        new($"{path} is {size} bytes; {what} is at most {(limit % (1 << 20) == 0 ? $"{limit >> 20} MiB" : $"{limit / 1024} KiB")}");

    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Regular => "a file",
        FileKind.Directory => "a directory",
        FileKind.Fifo => "a FIFO",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Socket => "a socket",
        _ => "not a regular file",
    };
}
