using System.Globalization;
using PiBuild.Interop;

namespace PiBuild.Core.Processes;

/// <summary>
/// Signals a child and everything it started, found through <c>/proc</c> (go test's test binaries and the
/// qemu that runs them are grandchildren). .NET kills a tree but cannot interrupt one.
/// </summary>
internal static class ProcessTree
{
    /// <summary>The environment variable that tags every process of one run (see <see cref="KillTagged"/>).</summary>
    public const string TagVariable = "PIBUILD_RUN_TAG";

    private const int SigInt = 2;
    private const int SigKill = 9;

    /// <summary>SIGINT to the process and its descendants, as a terminal's Ctrl-C reaches a foreground job.</summary>
    public static void Interrupt(int pid)
    {
        foreach (var member in Members(pid))
        {
            _ = Libc.Signal(member, SigInt);
        }
    }

    /// <summary>
    /// Kills what is left of an interrupted run: every process of this user whose environment carries the tag,
    /// until none is found (a dying parent may still start one more).
    /// </summary>
    public static void KillTagged(string tag)
    {
        var needle = System.Text.Encoding.UTF8.GetBytes($"{TagVariable}={tag}\0");
        for (var pass = 0; pass < 20; pass++)
        {
            var found = false;
            foreach (var directory in Directory.EnumerateDirectories("/proc"))
            {
                if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                    && pid != Environment.ProcessId && EnvironmentOf(pid).AsSpan().IndexOf(needle) >= 0)
                {
                    _ = Libc.Signal(pid, SigKill);
                    found = true;
                }
            }

            if (!found)
            {
                return;
            }

            Thread.Sleep(25);
        }
    }

    private static byte[] EnvironmentOf(int pid)
    {
        try
        {
            return File.ReadAllBytes($"/proc/{pid}/environ");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>The process itself first, then its descendants (a snapshot; new ones may appear).</summary>
    internal static IReadOnlyList<int> Members(int root)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && ParentOf(pid) is { } parent)
            {
                (children.TryGetValue(parent, out var list) ? list : children[parent] = []).Add(pid);
            }
        }

        var members = new List<int> { root };
        for (var i = 0; i < members.Count; i++)
        {
            members.AddRange(children.GetValueOrDefault(members[i]) ?? []);
        }

        return members;
    }

    private static int? ParentOf(int pid)
    {
        try
        {
            // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var parent) ? parent : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
