using System.Diagnostics;

namespace HighPerf.TlsMemory;

/// <summary>
/// Prosody (Debian's package) on 127.0.0.1 with a direct-TLS c2s port (XEP-0368) and the benchmark's certificate,
/// run from a throw-away config so the system's Prosody, if any, is untouched.
/// </summary>
internal sealed class ProsodyServer : IDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private ProsodyServer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public int Id => _process.Id;

    public static bool IsInstalled => File.Exists("/usr/bin/prosody");

    public static async Task<ProsodyServer> StartAsync(string certificatePath, string keyPath, int port)
    {
        var directory = Path.Combine(Path.GetTempPath(), "highperf-prosody-" + Environment.ProcessId);
        Directory.CreateDirectory(Path.Combine(directory, "data"));
        var config = Path.Combine(directory, "prosody.cfg.lua");
        await File.WriteAllTextAsync(config, $$"""
            run_as_root = true
            daemonize = false
            pidfile = "{{directory}}/prosody.pid"
            data_path = "{{directory}}/data"
            log = { warn = "{{directory}}/prosody.log" }
            interfaces = { "127.0.0.1" }
            c2s_ports = { {{port + 1}} }
            c2s_direct_tls_ports = { {{port}} }
            s2s_ports = { }
            modules_enabled = { "roster", "saslauth", "tls", "disco", "ping", "posix" }
            authentication = "internal_hashed"
            c2s_require_encryption = true
            ssl = { certificate = "{{certificatePath}}", key = "{{keyPath}}" }
            c2s_direct_tls_ssl = { certificate = "{{certificatePath}}", key = "{{keyPath}}" }
            VirtualHost "localhost"
            """);
        var start = new ProcessStartInfo("/usr/bin/prosody") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("--config");
        start.ArgumentList.Add(config);
        var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();

        // Ready when the direct TLS port accepts.
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var probe = new System.Net.Sockets.TcpClient();
                await probe.ConnectAsync(System.Net.IPAddress.Loopback, port);
                return new ProsodyServer(process, directory, port);
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(100);
            }
        }

        process.Kill();
        throw new InvalidOperationException($"prosody did not listen on {port}; see {directory}/prosody.log");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
