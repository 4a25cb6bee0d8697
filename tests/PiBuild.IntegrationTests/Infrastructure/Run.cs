using System.Diagnostics;
using System.Text;

namespace PiBuild.IntegrationTests.Infrastructure;

public sealed record RunResult(int ExitCode, string StandardOutput, string StandardError)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{StandardOutput}\n--- stderr\n{StandardError}";

    /// <summary>Exit 0, or the test fails showing everything the program printed.</summary>
    public RunResult AssertSucceeded() => AssertExit(0);

    /// <summary>This exit code, or the test fails showing everything the program printed.</summary>
    public RunResult AssertExit(int code)
    {
        Assert.True(ExitCode == code, $"expected exit {code}, got {this}");
        return this;
    }
}

/// <summary>Starts real processes for the tests (pibuild itself, qemu, go) with a timeout on each.</summary>
public static class Run
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    /// <summary>The dotnet host running the tests, for runs whose PATH is emptied on purpose.</summary>
    public static string Dotnet { get; } =
        Environment.ProcessPath is { } p && Path.GetFileName(p) == "dotnet" ? p : "/usr/bin/dotnet";

    /// <summary>The pibuild built with the tests, run as a user would: a separate process.</summary>
    public static string PiBuildDll { get; } = Path.Combine(AppContext.BaseDirectory, "pibuild.dll");

    public static Process StartPiBuild(IEnumerable<string> args, string workingDirectory, IReadOnlyDictionary<string, string?>? environment = null) =>
        Start("dotnet", [PiBuildDll, .. args], workingDirectory, environment);

    public static Task<RunResult> PiBuildAsync(IEnumerable<string> args, string workingDirectory, IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null) =>
        WaitAsync(StartPiBuild(args, workingDirectory, environment), timeout);

    /// <summary>pibuild with <paramref name="input"/> on its standard input (then closed).</summary>
    public static Task<RunResult> PiBuildWithInputAsync(IEnumerable<string> args, string input, string workingDirectory, IReadOnlyDictionary<string, string?>? environment = null) =>
        WaitAsync(Start("dotnet", [PiBuildDll, .. args], workingDirectory, environment, input));

    /// <param name="timeout">The hang guard (default 5 minutes): generous, never a measure of speed.</param>
    public static Task<RunResult> ProgramAsync(string fileName, IEnumerable<string> args, string? workingDirectory = null, IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null) =>
        WaitAsync(Start(fileName, args, workingDirectory ?? Environment.CurrentDirectory, environment), timeout);

    public static Process Start(string fileName, IEnumerable<string> args, string workingDirectory, IReadOnlyDictionary<string, string?>? environment = null, string? input = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                info.Environment.Remove(key);
            }
            else
            {
                info.Environment[key] = value;
            }
        }

        var process = new Process { StartInfo = info };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (stdout) { stdout.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (stderr) { stderr.AppendLine(e.Data); } } };
        process.Start();
        if (input is not null)
        {
            process.StandardInput.Write(input);
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Outputs[process] = (stdout, stderr);
        return process;
    }

    /// <summary>What a running process has printed on stdout so far.</summary>
    public static string StandardOutputSoFar(Process process)
    {
        var stdout = Outputs[process].Item1;
        lock (stdout)
        {
            return stdout.ToString();
        }
    }

    /// <summary>Waits until the running process has printed <paramref name="text"/> on stdout, or fails the test.</summary>
    public static async Task WaitForOutputAsync(Process process, string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!StandardOutputSoFar(process).Contains(text, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline && !process.HasExited, $"'{text}' did not appear: {StandardOutputSoFar(process)}");
            await Task.Delay(100);
        }
    }

    public static async Task<RunResult> WaitAsync(Process process, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{process.StartInfo.FileName} {string.Join(' ', process.StartInfo.ArgumentList)} did not finish in {timeout ?? DefaultTimeout}");
        }

        // The parameterless wait drains the asynchronous output readers.
        process.WaitForExit();
        var (stdout, stderr) = Outputs[process];
        Outputs.Remove(process, out _);
        return new RunResult(process.ExitCode, stdout.ToString(), stderr.ToString());
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Process, (StringBuilder, StringBuilder)> Outputs = new();
}
