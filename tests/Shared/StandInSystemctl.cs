namespace PiBuild.TestSupport;

/// <summary>
/// systemd cannot run in a test container, so a device's PATH starts with this systemctl: it records each call (a
/// line in systemctl.log beside it) and says a unit is active unless the unit's name contains "broken".
/// </summary>
public static class StandInSystemctl
{
    public const string Script = """
        #!/bin/sh
        echo "$*" >> "$(dirname "$0")/systemctl.log"
        case "$1 $2" in
          "is-active "*broken*) echo failed; exit 3 ;;
          "is-active "*) echo active ;;
        esac
        """;

    /// <summary>Writes it into <paramref name="directory"/> as an executable.</summary>
    public static void WriteInto(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "systemctl");
        File.WriteAllText(path, Script.ReplaceLineEndings("\n"));
        File.SetUnixFileMode(path, (UnixFileMode)0x1ED);
    }
}
