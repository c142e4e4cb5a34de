using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using HighPerf.Xmpp.TestKit.Processes;
using HighPerf.Xmpp.Transport.Tls;

namespace HighPerf.Xmpp.EndToEnd.Tests.Federation;

/// <summary>
/// Prosody (Debian's package, which .ci/run installs) as a federation peer: a child process of the test with a
/// generated config in a temporary folder, on its own loopback address with c2s and s2s ports picked free there,
/// a self-signed certificate, dialback and <c>s2s_secure_auth = false</c>. Prosody finds the other servers' domains
/// through a hosts file of its own (its libunbound resolver's <c>hoststxt</c> option), so neither /etc/hosts nor
/// DNS is touched; a peer named there must listen on 5269 of its address (no SRV: Prosody's fallback is A on 5269).
/// Stopped by its PID on dispose.
/// </summary>
internal sealed class ProsodyPeer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/prosody";
    public const string Control = "/usr/bin/prosodyctl";

    private readonly Process _process;
    private readonly string _directory;

    private ProsodyPeer(Process process, string directory, string domain, IPEndPoint c2s, IPEndPoint s2s)
    {
        _process = process;
        _directory = directory;
        Domain = domain;
        ClientEndPoint = c2s;
        S2sEndPoint = s2s;
    }

    public string Domain { get; }

    public IPEndPoint ClientEndPoint { get; }

    public IPEndPoint S2sEndPoint { get; }

    public int ProcessId => _process.Id;

    /// <summary>Why Prosody cannot run here, or null.</summary>
    public static string? MissingReason()
        => File.Exists(Binary) && File.Exists(Control)
            ? null
            : $"{Binary} is missing: install Debian's prosody package (apt-get install prosody; .ci/run does).";

    /// <param name="peers">Other servers' domains and the loopback address each one's s2s listener is on (port 5269).</param>
    /// <param name="users">Accounts created before start (password "secret").</param>
    public static async Task<ProsodyPeer> StartAsync(string domain, string address, IReadOnlyDictionary<string, string> peers, IEnumerable<string> users)
    {
        var directory = Path.Combine(Path.GetTempPath(), "hpx-prosody-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(directory, "data"));
        Directory.CreateDirectory(Path.Combine(directory, "certs"));
        var certificate = SelfSignedCertificate.EnsureExists(directory, domain);
        var hosts = Path.Combine(directory, "hosts");
        await File.WriteAllLinesAsync(hosts, peers.Select(p => $"{p.Value} {p.Key}"));
        var c2sPort = FederatedPair.FreePort(address);
        var s2sPort = FederatedPair.FreePort(address);
        var config = Path.Combine(directory, "prosody.cfg.lua");
        await File.WriteAllTextAsync(config, Config(directory, domain, address, c2sPort, s2sPort, hosts, certificate));

        foreach (var user in users)
        {
            var registered = await ChildProcess.RunAsync(Control, ["--config", config, "register", user, domain, "secret"], timeout: TimeSpan.FromSeconds(60));
            if (registered.ExitCode != 0)
            {
                throw new InvalidOperationException($"prosodyctl register {user} {domain} failed: {registered}");
            }
        }

        var start = new ProcessStartInfo(Binary) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.ArgumentList.Add("--config");
        start.ArgumentList.Add(config);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Cannot start {Binary}.");
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var peer = new ProsodyPeer(process, directory, domain, new IPEndPoint(IPAddress.Parse(address), c2sPort), new IPEndPoint(IPAddress.Parse(address), s2sPort));
        try
        {
            await peer.WaitUntilListeningAsync(TimeSpan.FromSeconds(60), () => { lock (output) { return output.ToString(); } });
            return peer;
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }
    }

    /// <summary>The last lines of Prosody's log (debug level), for a failing assertion's message.</summary>
    public string LogTail(int lines = 60)
    {
        var path = Path.Combine(_directory, "prosody.log");
        try
        {
            var all = File.ReadAllLines(path);
            return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
        }
        catch (IOException ex)
        {
            return $"(no log: {ex.Message})";
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(wait.Token);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
        {
            // Already gone, or stuck past the kill: nothing more to do from here.
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // The temp folder is cleaned up later.
        }
    }

    private async Task WaitUntilListeningAsync(TimeSpan limit, Func<string> output)
    {
        var deadline = DateTime.UtcNow + limit;
        foreach (var endPoint in new[] { ClientEndPoint, S2sEndPoint })
        {
            while (true)
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"prosody exited with {_process.ExitCode}: {output()}\n{LogTail()}");
                }

                try
                {
                    using var probe = new TcpClient();
                    await probe.ConnectAsync(endPoint);
                    break;
                }
                catch (SocketException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(100);
                }
                catch (SocketException ex)
                {
                    throw new InvalidOperationException($"prosody does not listen on {endPoint} after {limit.TotalSeconds} s ({ex.SocketErrorCode}): {output()}\n{LogTail()}", ex);
                }
            }
        }
    }

    private static string Config(string directory, string domain, string address, int c2sPort, int s2sPort, string hosts, SelfSignedCertificateInfo certificate)
        => string.Create(CultureInfo.InvariantCulture, $$"""
            -- Generated by the federation interop test; nothing outside this folder is read or written.
            run_as_root = true
            daemonize = false
            pidfile = "{{directory}}/prosody.pid"
            data_path = "{{directory}}/data"
            certificates = "{{directory}}/certs"
            log = { debug = "{{directory}}/prosody.log" }
            interfaces = { "{{address}}" }
            c2s_ports = { {{c2sPort}} }
            c2s_direct_tls_ports = { }
            s2s_ports = { {{s2sPort}} }
            s2s_direct_tls_ports = { }
            modules_enabled = { "roster", "saslauth", "tls", "dialback", "disco", "ping", "presence", "version" }
            authentication = "internal_hashed"
            c2s_require_encryption = true
            -- STARTTLS on every s2s stream; certificates are self-signed on both sides, so dialback authenticates.
            s2s_require_encryption = true
            s2s_secure_auth = false
            -- Prosody's own static name mapping: libunbound reads this hosts file (net/unbound.lua passes the
            -- 'unbound' table to it); SRV queries for the .test names fail, so Prosody connects to the A record on 5269.
            unbound = { hoststxt = "{{hosts}}" }
            ssl = { certificate = "{{certificate.CertificatePath}}", key = "{{certificate.PrivateKeyPath}}" }
            VirtualHost "{{domain}}"
            """);
}
