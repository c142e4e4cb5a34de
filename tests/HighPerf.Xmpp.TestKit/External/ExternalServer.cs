using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using HighPerf.Xmpp.Server.Configuration;
using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.TestKit.External;

/// <summary>
/// The server as a child process of a built binary (for CI: the Native AOT one), driven the way an operator drives
/// it: a config file, <c>adduser</c> while it is stopped, <c>run</c>, SIGTERM. <see cref="TestServer"/> uses it
/// instead of the in-process host when <see cref="BinaryVariable"/> names a binary, so the end-to-end suite proves
/// that binary serves what the in-process server serves.
/// </summary>
/// <remarks>
/// The store admits one process at a time, so adding an account to a running server stops it (SIGTERM), runs
/// <c>adduser</c>, and leaves it stopped until an endpoint is asked for: a burst of accounts costs one restart.
/// Listeners are configured on port 0 and read back from the "Listening for c2s on …" log lines, so no port is
/// guessed; a restart may bind other ports, as the in-process restart does.
/// </remarks>
public sealed partial class ExternalServer : IAsyncDisposable
{
    /// <summary>Path of the server binary to test instead of the in-process host.</summary>
    public const string BinaryVariable = "HPX_SERVER_BINARY";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    private readonly string _binary;
    private readonly string _configPath;
    private readonly ServerLogForwarder _log;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Process? _process;
    private volatile IReadOnlyList<IPEndPoint>? _endPoints;
    private volatile IPEndPoint? _httpEndPoint;
    private volatile IPEndPoint? _httpsEndPoint;
    private bool _disposed;

    private ExternalServer(string binary, ServerConfig config, string configPath, ILoggerFactory loggerFactory)
    {
        _binary = binary;
        Config = config;
        _configPath = configPath;
        _log = new ServerLogForwarder(loggerFactory);
    }

    /// <summary>The binary named by <see cref="BinaryVariable"/>, or null for the in-process server.</summary>
    public static string? ConfiguredBinary { get; } = FindConfiguredBinary();

    public ServerConfig Config { get; }

    /// <summary>The STARTTLS listener (starts the server again if an account was added since).</summary>
    public IPEndPoint ClientEndPoint => EnsureRunning()[0];

    /// <summary>The direct-TLS listener (XEP-0368).</summary>
    public IPEndPoint DirectTlsEndPoint => EnsureRunning()[Config.Listeners.Client.Count];

    /// <summary>The plain HTTP listener (WebSocket/BOSH), read from its "Listening for HTTP on" line; null when off.</summary>
    public IPEndPoint? HttpEndPoint
    {
        get
        {
            EnsureRunning();
            return _httpEndPoint;
        }
    }

    /// <summary>The HTTPS listener (WebSocket/BOSH); null when off.</summary>
    public IPEndPoint? HttpsEndPoint
    {
        get
        {
            EnsureRunning();
            return _httpsEndPoint;
        }
    }

    /// <summary>The running server process's id (for measurements of its CPU and memory); null while stopped.</summary>
    public int? ProcessId => _process?.Id;

    /// <summary>Everything the server printed, for failure messages.</summary>
    public string Output => _log.Output;

    /// <summary>Writes the config (the data folder holds it) and starts the binary with it.</summary>
    public static async Task<ExternalServer> StartAsync(string binary, ServerConfig config, ILoggerFactory loggerFactory)
    {
        // The Listening lines are what tells the ports: the child logs at Information at least.
        config.Logging.Level = ServerLogForwarder.MinimumLevelOf(loggerFactory);
        Directory.CreateDirectory(config.DataDirectory);
        var configPath = Path.Combine(config.DataDirectory, "highperf-xmpp.json");
        await File.WriteAllTextAsync(configPath, JsonSerializer.Serialize(config, ServerConfigJsonContext.Default.ServerConfig));
        var server = new ExternalServer(binary, config, configPath, loggerFactory);
        await server._gate.WaitAsync();
        try
        {
            await server.StartProcessAsync();
        }
        finally
        {
            server._gate.Release();
        }

        return server;
    }

    /// <summary><c>adduser</c> with the server stopped; it starts again on the next use of an endpoint.</summary>
    public async Task AddUserAsync(string bareJid, string password)
    {
        await _gate.WaitAsync();
        try
        {
            await StopProcessAsync();
            var result = await Processes.ChildProcess.RunAsync(_binary, ["adduser", bareJid, password, "--config", _configPath], timeout: CommandTimeout);
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException($"adduser {bareJid} failed: {result}");
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>SIGTERM, then a new process on the same data folder.</summary>
    public async Task RestartAsync()
    {
        await _gate.WaitAsync();
        try
        {
            await StopProcessAsync();
            await StartProcessAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (!_disposed)
            {
                _disposed = true;
                await StopProcessAsync();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private IReadOnlyList<IPEndPoint> EnsureRunning()
    {
        if (_endPoints is { } running)
        {
            return running;
        }

        // Endpoint getters are synchronous; the start runs on the pool so no test synchronization context is needed.
        return Task.Run(async () =>
        {
            await _gate.WaitAsync();
            try
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_endPoints is null)
                {
                    await StartProcessAsync();
                }

                return _endPoints!;
            }
            finally
            {
                _gate.Release();
            }
        }).GetAwaiter().GetResult();
    }

    private async Task StartProcessAsync()
    {
        var start = new ProcessStartInfo(_binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["run", "--config", _configPath])
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        var startTls = new List<IPEndPoint>();
        var directTls = new List<IPEndPoint>();
        var allBound = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            _log.Add(line);
            if (ListeningLine().Match(line) is { Success: true } match)
            {
                lock (startTls)
                {
                    (match.Groups["mode"].Value == "STARTTLS" ? startTls : directTls).Add(IPEndPoint.Parse(match.Groups["endpoint"].Value));
                }
            }
            else if (HttpListeningLine().Match(line) is { Success: true } http)
            {
                var endPoint = IPEndPoint.Parse(http.Groups["endpoint"].Value);
                if (http.Groups["scheme"].Value == "https")
                {
                    _httpsEndPoint = endPoint;
                }
                else
                {
                    _httpEndPoint = endPoint;
                }
            }
            else if (line.EndsWith("] Ready", StringComparison.Ordinal))
            {
                // After the listeners come the metrics endpoint and the control socket: "Ready" ends the start.
                lock (startTls)
                {
                    if (startTls.Count == Config.Listeners.Client.Count && directTls.Count == Config.Listeners.ClientDirectTls.Count)
                    {
                        allBound.TrySetResult();
                    }
                }
            }
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Start();
        _process = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(allBound.Task, exited, Task.Delay(StartTimeout));
        if (first != allBound.Task)
        {
            var reason = first == exited ? $"exited with {process.ExitCode}" : $"did not listen within {StartTimeout.TotalSeconds} s";
            _process = null;
            using (process)
            {
                if (!process.HasExited)
                {
                    process.Kill();
                }

                await process.WaitForExitAsync();
            }

            throw new InvalidOperationException($"{_binary} run {reason}:\n{Output}");
        }

        // The same order as the in-process host's EndPoints: STARTTLS listeners, then direct TLS.
        lock (startTls)
        {
            _endPoints = [.. startTls, .. directTls];
        }
    }

    private async Task StopProcessAsync()
    {
        _endPoints = null;
        _httpEndPoint = null;
        _httpsEndPoint = null;
        if (_process is not { } process)
        {
            return;
        }

        _process = null;
        using (process)
        {
            if (!process.HasExited)
            {
                _ = Kill(process.Id, 15); // SIGTERM: the graceful stop an operator (or systemd) uses
                using var cancel = new CancellationTokenSource(StopTimeout);
                try
                {
                    await process.WaitForExitAsync(cancel.Token);
                }
                catch (OperationCanceledException)
                {
                    var stacks = await Processes.ThreadStacks.CaptureAsync(process.Id);
                    process.Kill();
                    await process.WaitForExitAsync();
                    throw new InvalidOperationException($"{_binary} did not stop within {StopTimeout.TotalSeconds} s of SIGTERM:\n{Output}\nThreads:\n{stacks}");
                }
            }

            await process.WaitForExitAsync(); // the output streams drained
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{_binary} exited with {process.ExitCode}:\n{Output}");
            }
        }
    }

    private static string? FindConfiguredBinary()
    {
        var path = Environment.GetEnvironmentVariable(BinaryVariable);
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        return File.Exists(path)
            ? Path.GetFullPath(path)
            : throw new FileNotFoundException($"{BinaryVariable} names {path}, which does not exist.", path);
    }

    [GeneratedRegex(@"Listening for c2s on (?<endpoint>\S+) \((?<mode>STARTTLS|direct TLS)\)")]
    private static partial Regex ListeningLine();

    [GeneratedRegex(@"Listening for HTTP on (?<scheme>https?)://(?<endpoint>\S+) ")]
    private static partial Regex HttpListeningLine();

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
