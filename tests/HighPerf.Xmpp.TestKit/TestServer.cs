using System.Net;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Sasl;
using HighPerf.Xmpp.Server.Configuration;
using HighPerf.Xmpp.Server.Hosting;
using HighPerf.Xmpp.TestKit.External;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HighPerf.Xmpp.TestKit;

/// <summary>
/// The real server, in-process, on free loopback ports with a temporary data folder that is deleted on
/// dispose. Tests talk to it over sockets like any client. With HPX_SERVER_BINARY set (see <see cref="ExternalServer"/>)
/// it is that binary as a child process instead, and members that need the in-process host skip the test.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly bool _ownsDirectory;
    private readonly ILoggerFactory _loggerFactory;
    private readonly IReadOnlyList<IXmppModule>? _extraModules;
    private readonly ExternalServer? _external;
    private ServerHost? _host;

    private TestServer(ServerHost host, string dataDirectory, bool ownsDirectory, ILoggerFactory loggerFactory, IReadOnlyList<IXmppModule>? extraModules)
    {
        Host = host;
        DataDirectory = dataDirectory;
        _ownsDirectory = ownsDirectory;
        _loggerFactory = loggerFactory;
        _extraModules = extraModules;
    }

    private TestServer(ExternalServer external, string dataDirectory, bool ownsDirectory, ILoggerFactory loggerFactory)
    {
        _external = external;
        DataDirectory = dataDirectory;
        _ownsDirectory = ownsDirectory;
        _loggerFactory = loggerFactory;
    }

    /// <summary>The in-process host; against an external binary, a test that uses it is skipped.</summary>
    public ServerHost Host
    {
        get => _host ?? throw new InProcessOnlyException("TestServer.Host: its routing table, sessions or stop");
        private set => _host = value;
    }

    /// <summary>True when this is the binary named by HPX_SERVER_BINARY, not the in-process host.</summary>
    public bool IsExternal => _external is not null;

    public string DataDirectory { get; }

    /// <summary>The external server's process id (see <see cref="IsExternal"/>); null in-process.</summary>
    public int? ExternalProcessId => _external?.ProcessId;

    /// <summary>What the external server printed so far (its log); null in-process.</summary>
    public string? ExternalOutput => _external?.Output;

    public string Domain => (_external?.Config ?? Host.Config).Domains[0];

    /// <summary>The STARTTLS listener.</summary>
    public IPEndPoint ClientEndPoint => _external?.ClientEndPoint ?? Host.EndPoints[0];

    /// <summary>The direct-TLS listener (XEP-0368).</summary>
    public IPEndPoint DirectTlsEndPoint => _external?.DirectTlsEndPoint ?? Host.EndPoints[1];

    /// <summary>The plain HTTP listener of the WebSocket/BOSH endpoints (set http.enabled in the test's configure).</summary>
    public IPEndPoint HttpEndPoint => (_external is not null ? _external.HttpEndPoint : Host.HttpEndPoint)
        ?? throw new InvalidOperationException("http.enabled is off, or http.listen is empty.");

    /// <summary>The HTTPS listener of the WebSocket/BOSH endpoints.</summary>
    public IPEndPoint HttpsEndPoint => (_external is not null ? _external.HttpsEndPoint : Host.HttpsEndPoint)
        ?? throw new InvalidOperationException("http.enabled is off, or http.listenTls is empty.");

    /// <param name="extraModules">Test modules wired beside the configured ones (e.g. one that throws).</param>
    public static async Task<TestServer> StartAsync(
        Action<ServerConfig>? configure = null, string? dataDirectory = null, ILoggerFactory? loggerFactory = null,
        IReadOnlyList<IXmppModule>? extraModules = null)
    {
        var ownsDirectory = dataDirectory is null;
        dataDirectory ??= Path.Combine(Path.GetTempPath(), "hpx-test-" + Guid.NewGuid().ToString("N"));
        var config = CreateConfig(dataDirectory);
        configure?.Invoke(config);
        ConfigLoader.Validate(config);
        loggerFactory ??= NullLoggerFactory.Instance;
        if (ExternalServer.ConfiguredBinary is { } binary)
        {
            if (extraModules is { Count: > 0 })
            {
                throw new InProcessOnlyException("test modules wired in code");
            }

            return new TestServer(await ExternalServer.StartAsync(binary, config, loggerFactory), dataDirectory, ownsDirectory, loggerFactory);
        }

        var host = await ServerHost.StartAsync(config, loggerFactory, extraModules);
        return new TestServer(host, dataDirectory, ownsDirectory, loggerFactory, extraModules);
    }

    /// <summary>A configuration like the embedded default, on ephemeral loopback ports.</summary>
    public static ServerConfig CreateConfig(string dataDirectory) => new()
    {
        DataDirectory = dataDirectory,
        Listeners = new ListenersConfig { Client = ["127.0.0.1:0"], ClientDirectTls = ["127.0.0.1:0"] },
        Auth = new AuthConfig { TimeoutSeconds = 30 },
        // Off unless a test turns http.enabled on; then on ephemeral ports like the c2s listeners.
        Http = new HttpConfig { Listen = "127.0.0.1:0", ListenTls = "127.0.0.1:0" },
        // Off unless a test turns cluster.enabled on; then its links use TLS with the certificate all test nodes share.
        Cluster = new ClusterConfig { Certificate = ClusterTestCertificate.Shared.CertificatePath, Key = ClusterTestCertificate.Shared.PrivateKeyPath },
    };

    /// <summary>Creates an account the way adduser does (SCRAM keys only).</summary>
    public async Task AddUserAsync(string localpart, string password = "secret")
    {
        if (_external is not null)
        {
            await _external.AddUserAsync($"{localpart}@{Domain}", password);
            return;
        }

        var bare = System.Text.Encoding.UTF8.GetBytes($"{localpart}@{Domain}");
        var record = ScramCredentials.Derive(password, 4096);
        if (!await Host.Server.Store.Accounts.CreateAsync(bare, record))
        {
            throw new InvalidOperationException($"{localpart} exists already.");
        }
    }

    /// <summary>Stops and starts the server on the same data folder (ports change).</summary>
    public async Task RestartAsync()
    {
        if (_external is not null)
        {
            await _external.RestartAsync();
            return;
        }

        var config = Host.Config;
        await Host.StopAsync();
        Host = await ServerHost.StartAsync(config, _loggerFactory, _extraModules);
    }

    public async ValueTask DisposeAsync()
    {
        if (_external is not null)
        {
            await _external.DisposeAsync();
        }
        else
        {
            await Host.StopAsync();
        }

        if (_ownsDirectory)
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open by the OS: the temp folder is cleaned up later.
            }
        }
    }
}
