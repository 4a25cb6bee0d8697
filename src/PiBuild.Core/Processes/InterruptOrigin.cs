using System.Runtime.InteropServices;
using PiBuild.Interop;

namespace PiBuild.Core.Processes;

/// <summary>
/// Whether the interrupt pibuild got has already reached its children. Ctrl-C typed at a terminal goes to the
/// whole foreground process group, pibuild's children included; sending them a second SIGINT could cut short
/// the cleanup the first one started. A SIGINT from <c>kill</c>, or a SIGTERM, reaches pibuild alone.
/// </summary>
internal static class InterruptOrigin
{
    private static readonly PosixSignalRegistration Registration = PosixSignalRegistration.Create(PosixSignal.SIGINT, _ =>
    {
        if (InForegroundOfTerminal())
        {
            Volatile.Write(ref _fromTerminal, 1);
        }
    });

    // Only noted: the command line's own handler turns SIGTERM into cancellation, as it does Ctrl-C.
    private static readonly PosixSignalRegistration TermRegistration = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => Volatile.Write(ref _terminated, 1));

    private static int _fromTerminal;
    private static int _terminated;

    /// <summary>Starts listening (each workspace does, before any child exists).</summary>
    public static void Watch()
    {
        GC.KeepAlive(Registration);
        GC.KeepAlive(TermRegistration);
    }

    /// <summary>A SIGTERM arrived: the run ends with <see cref="ExitCodes.Terminated"/>.</summary>
    public static bool Terminated => Volatile.Read(ref _terminated) == 1;

    public static bool ReachedChildren => Volatile.Read(ref _fromTerminal) == 1;

    private static bool InForegroundOfTerminal()
    {
        var group = Libc.ProcessGroup();
        foreach (var fd in (int[])[0, 2, 1])
        {
            var foreground = Libc.TerminalForegroundGroup(fd);
            if (foreground >= 0)
            {
                return foreground == group;
            }
        }

        return false;
    }
}
