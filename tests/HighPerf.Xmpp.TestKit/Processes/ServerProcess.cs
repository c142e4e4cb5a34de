using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace HighPerf.Xmpp.TestKit.Processes;

/// <summary>
/// The built <c>highperf-xmpp</c> executable run as a child process (<c>dotnet highperf-xmpp.dll …</c>), with
/// its output collected line by line. Used by the CLI tests: real argument parsing, real signals, real exit codes.
/// </summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    // Servers a test left running when it failed before disposing them (a node it meant to kill -9 later): they die
    // with the test host instead of outliving it and loading the machine for the tests that follow.
    private static readonly HashSet<Process> Running = [];

    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    static ServerProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) => KillLeftBehind();

    private ServerProcess(Process process)
    {
        _process = process;
    }

    /// <summary>The server's entry assembly, copied next to the test assembly by the project reference.</summary>
    public static string ServerDll => Path.Combine(AppContext.BaseDirectory, "highperf-xmpp.dll");

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the process wrote so far (stdout and stderr interleaved, in arrival order).</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public string Output => string.Join('\n', Lines);

    /// <summary>Runs a command to completion (adduser, cert, a run that must fail…).</summary>
    public static Task<ProcessResult> RunToExitAsync(IEnumerable<string> arguments, string? stdin = null, TimeSpan? timeout = null)
        => ChildProcess.RunAsync(DotNet, [ServerDll, .. arguments], stdin, timeout ?? TimeSpan.FromSeconds(60));

    public static ServerProcess Start(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(DotNet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ServerDll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var server = new ServerProcess(process);
        process.OutputDataReceived += (_, e) => server.Add(e.Data);
        process.ErrorDataReceived += (_, e) => server.Add(e.Data);
        process.Exited += (_, _) => server._exited.TrySetResult();
        process.Start();
        lock (Running)
        {
            Running.Add(process);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// <summary>Waits for a line matching <paramref name="pattern"/>; fails early if the process exits first.</summary>
    public async Task<Match> WaitForLineAsync(string pattern, TimeSpan? timeout = null)
    {
        var regex = new Regex(pattern);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            foreach (var line in Lines)
            {
                var match = regex.Match(line);
                if (match.Success)
                {
                    return match;
                }
            }

            if (_process.HasExited && _exited.Task.IsCompleted)
            {
                await Task.Delay(100); // the last lines may still be on their way
                if (!Lines.Any(regex.IsMatch))
                {
                    throw new InvalidOperationException($"The server exited ({_process.ExitCode}) before printing /{pattern}/:\n{Output}");
                }

                continue;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No line /{pattern}/ within {timeout ?? TimeSpan.FromSeconds(30)}:\n{Output}");
            }

            await Task.Delay(25);
        }
    }

    /// <summary>Waits for the "Listening for c2s on …" log line of the given mode ("STARTTLS" or "direct TLS"), then for
    /// the end of the start.</summary>
    public async Task<IPEndPoint> WaitForListenerAsync(string mode = "STARTTLS", TimeSpan? timeout = null)
    {
        var match = await WaitForLineAsync($@"Listening for c2s on (?<endpoint>\S+) \({mode}\)", timeout);

        // The metrics endpoint and the control socket start after the listeners: "Ready" ends the start.
        await WaitForLineAsync(@"\] Ready$", timeout);
        return IPEndPoint.Parse(match.Groups["endpoint"].Value);
    }

    /// <summary>Sends a POSIX signal (SIGTERM = 15, SIGINT = 2) to this process only.</summary>
    public void Signal(int signal)
    {
        if (Kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _exited.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            var stacks = await ThreadStacks.CaptureAsync(_process.Id);
            throw new TimeoutException($"The server did not exit within {timeout}; its output so far:\n{Output}\nThreads:\n{stacks}");
        }

        await _process.WaitForExitAsync();
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        lock (Running)
        {
            Running.Remove(_process);
        }

        _process.Dispose();
    }

    private static void KillLeftBehind()
    {
        lock (Running)
        {
            foreach (var process in Running)
            {
                try
                {
                    process.Kill();
                }
                catch (InvalidOperationException)
                {
                    // It has exited already.
                }
            }

            Running.Clear();
        }
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Add(line);
        }
    }

    /// <summary>The dotnet host running these tests (the SDK sets DOTNET_HOST_PATH under dotnet test).</summary>
    private static string DotNet
        => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
            ? host
            : Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
