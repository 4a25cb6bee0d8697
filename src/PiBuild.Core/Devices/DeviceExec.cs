using System.Globalization;
using PiBuild.Core.Addresses;
using PiBuild.Core.Archives;
using PiBuild.Core.Processes;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Devices;

/// <summary>What go test hands its -exec program: a test binary, its flags, and the package directory as working directory.</summary>
public sealed record DeviceExecRequest(string On, string Home, int StackKb, string Binary, IReadOnlyList<string> Arguments, ProcessStreams Streams)
{
    /// <summary>The hidden command go test runs as its -exec.</summary>
    public const string CommandName = "device-exec";
}

/// <summary>
/// pibuild as go test's <c>-exec</c> for a device: go test runs <c>pibuild device-exec … BINARY FLAGS</c> in each
/// package's directory; the binary and that directory's files (testdata included) go to the device once per content,
/// and the binary runs there in that copy with the board's stack limit and GO_TEST_TIMEOUT_SCALE, its output streamed
/// back to go test, which reads it as it reads an emulated run's. So the counts come from go test itself.
/// </summary>
internal static class DeviceExec
{
    /// <summary>go test's -exec value that runs test binaries on <paramref name="device"/> with the board's stack limit.</summary>
    internal static string GoTestExec(Device device, TargetProfile target) => ShellQuote.Join(
    [
        .. Self(), DeviceExecRequest.CommandName, "--on", device.Address.ToString(), "--home", device.Facts.Home,
        "--stack-kb", target.ThreadStackKb.ToString(CultureInfo.InvariantCulture), "--",
    ]);

    public static async Task<int> RunAsync(Workspace workspace, DeviceExecRequest request, CancellationToken cancellationToken)
    {
        var device = await Device.AtAsync(workspace, DeviceAddress.Parse(request.On), request.Home, cancellationToken).ConfigureAwait(false);
        var program = await device.PlaceProgramAsync(request.Binary, cancellationToken).ConfigureAwait(false);
        var directory = await device.PlaceDirectoryAsync(PackageFiles(Environment.CurrentDirectory), cancellationToken).ConfigureAwait(false);
        var scale = workspace.GetVariable("GO_TEST_TIMEOUT_SCALE") is { Length: > 0 } s ? $"GO_TEST_TIMEOUT_SCALE={ShellQuote.Always(s)} " : "";
        var line = $"cd {ShellQuote.Always(directory.Path)} && {scale}/bin/sh -c {ShellQuote.Always(StackLimit.Script)} pibuild-ulimit " +
            $"{request.StackKb.ToString(CultureInfo.InvariantCulture)} {ShellQuote.Join([program.Path, .. request.Arguments])}";
        return await device.RunAttachedAsync(line, request.Streams, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How to start this pibuild again: its executable, or the dotnet host and pibuild's assembly.</summary>
    private static string[] Self()
    {
        var path = Environment.ProcessPath ?? throw new ConfigurationException("cannot tell where pibuild's executable is; run it by its path");
        return Path.GetFileNameWithoutExtension(path) == "dotnet" ? [path, Path.GetFullPath(Environment.GetCommandLineArgs()[0])] : [path];
    }

    /// <summary>The package directory's own files and its testdata tree: what a test reads by relative path.</summary>
    private static IEnumerable<TarItem> PackageFiles(string directory)
    {
        var files = Directory.EnumerateFiles(directory).Select(f => (Path: f, Name: Path.GetFileName(f))).ToList();
        var testdata = Path.Combine(directory, "testdata");
        var directories = new List<string>();
        if (Directory.Exists(testdata))
        {
            directories.Add("testdata/");
            directories.AddRange(Directory.EnumerateDirectories(testdata, "*", SearchOption.AllDirectories).Select(d => Path.GetRelativePath(directory, d) + "/"));
            files.AddRange(Directory.EnumerateFiles(testdata, "*", SearchOption.AllDirectories).Select(f => (f, Path.GetRelativePath(directory, f))));
        }

        var items = directories.Select(d => new TarItem(d, 0x1ED))
            .Concat(files.Where(f => new FileInfo(f.Path).LinkTarget is null).Select(f => new TarItem(f.Name, Executable(f.Path) ? 0x1ED : 0x1A4, f.Path)));
        return items.OrderBy(i => i.Name, StringComparer.Ordinal).ToArray();
    }

    private static bool Executable(string path) => (File.GetUnixFileMode(path) & UnixFileMode.UserExecute) != 0;
}
