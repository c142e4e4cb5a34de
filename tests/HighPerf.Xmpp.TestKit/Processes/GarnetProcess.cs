using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace HighPerf.Xmpp.TestKit.Processes;

/// <summary>
/// A Garnet engine (tests/HighPerf.Garnet.Host) as a child process on a loopback port, with its data in a folder that
/// outlives the process, run as the cluster needs it: append-only file with commit before reply, Lua, recovery at
/// start. <see cref="KillAsync"/> is a SIGKILL; <see cref="RestartAsync"/> starts it again on the same port and folder.
/// </summary>
public sealed class GarnetProcess : IAsyncDisposable
{
    private readonly string _directory;
    private readonly bool _ownsDirectory;
    private Process? _process;
    private readonly List<string> _lines = [];

    private GarnetProcess(string directory, bool ownsDirectory, int port)
    {
        _directory = directory;
        _ownsDirectory = ownsDirectory;
        Port = port;
    }

    public int Port { get; }

    public string EndPoint => $"127.0.0.1:{Port}";

    public int? Id => _process?.Id;

    public string Output
    {
        get
        {
            lock (_lines)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    /// <summary>The host's entry assembly: built by the project reference of the test project (not copied, as Garnet's
    /// dependencies are not the server's), found beside the repository's other build outputs, or named by
    /// HPX_GARNET_HOST.</summary>
    public static string HostDll
    {
        get
        {
            if (Environment.GetEnvironmentVariable("HPX_GARNET_HOST") is { Length: > 0 } configured)
            {
                return configured;
            }

            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            var configuration = directory.Parent?.Name ?? "Debug"; // bin/<Configuration>/net10.0
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "HighPerf.sln")))
            {
                directory = directory.Parent;
            }

            if (directory is null)
            {
                throw new InvalidOperationException("The repository root (HighPerf.sln) is not above the test assembly; set HPX_GARNET_HOST.");
            }

            return Path.Combine(directory.FullName, "tests", "HighPerf.Garnet.Host", "bin", configuration, "net10.0", "HighPerf.Garnet.Host.dll");
        }
    }

    /// <summary>Starts an engine on a free loopback port with its files in <paramref name="directory"/> (a new temp folder when null).</summary>
    public static async Task<GarnetProcess> StartAsync(string? directory = null)
    {
        var owns = directory is null;
        directory ??= Path.Combine(Path.GetTempPath(), "hpx-garnet-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        var garnet = new GarnetProcess(directory, owns, FreePort());
        await garnet.LaunchAsync();
        return garnet;
    }

    /// <summary>SIGKILL: no shutdown, no final commit; whatever the AOF holds is what a restart recovers.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary>Starts the engine again on the same port and folder (recovering from its AOF).</summary>
    public async Task RestartAsync()
    {
        await KillAsync();
        await LaunchAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        if (_ownsDirectory)
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private async Task LaunchAsync()
    {
        var start = new ProcessStartInfo(DotNet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(HostDll);
        foreach (var argument in Arguments(Port, _directory))
        {
            start.ArgumentList.Add(argument);
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Add(e.Data, ready);
        process.ErrorDataReceived += (_, e) => Add(e.Data, ready);
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("Garnet exited at start:\n" + Output));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException("Garnet did not start within 60 s:\n" + Output);
        }
    }

    /// <summary>The engine's command line (also what perf/cluster/start.sh runs): AOF with a commit per operation and
    /// replies held until their commit, Lua for the store's scripts, recovery from the folder at start, and the managed
    /// file device (Garnet's native one needs libaio).</summary>
    public static IReadOnlyList<string> Arguments(int port, string directory) =>
    [
        "--bind", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--aof", "--aof-commit-freq", "0", "--aof-commit-wait", "true",
        "--lua", "--recover", "--device-type", "RandomAccess",
        "--checkpointdir", Path.Combine(directory, "checkpoints"),
    ];

    private void Add(string? line, TaskCompletionSource ready)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Add(line);
        }

        if (line.Contains("garnet ready", StringComparison.Ordinal))
        {
            ready.TrySetResult();
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static string DotNet
        => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
            ? host
            : Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
}
