using System.Net;
using System.Security.Cryptography.X509Certificates;
using HighPerf.Xmpp.Cluster.Directory;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Http.Hosting;
using HighPerf.Xmpp.Server.Configuration;
using HighPerf.Xmpp.Server.Control;
using HighPerf.Xmpp.Server.Metrics;
using HighPerf.Xmpp.Storage.Abstractions;
using HighPerf.Xmpp.Transport.Cluster;
using HighPerf.Xmpp.Transport.Federation;
using HighPerf.Xmpp.Transport.Hosting;
using HighPerf.Xmpp.Transport.Tls;
using HighPerf.Xmpp.Xml.Tokenizer;
using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Server.Hosting;

/// <summary>
/// A running server: the store, TLS, the protocol core with its modules, and the listeners, wired from a
/// <see cref="ServerConfig"/>. Used by the CLI's run command and by the end-to-end tests (in-process).
/// </summary>
public sealed partial class ServerHost : IAsyncDisposable
{
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly IDataStore _store;
    private readonly TlsServerContext? _tls;
    private readonly XmppTransportHost _transport;
    private MetricsEndpoint? _metrics;
    private HttpTransportHost? _http;
    private S2sTransportHost? _s2s;
    private NodeLinkHost? _links;
    private ControlServer? _control;
    private FileServices? _files;
    private int _stopped;

    private ServerHost(ServerConfig config, ILoggerFactory loggerFactory, IDataStore store, TlsServerContext? tls, XmppServer server, XmppTransportHost transport)
    {
        Config = config;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("HighPerf.Xmpp.Server");
        _store = store;
        _tls = tls;
        Server = server;
        _transport = transport;
    }

    public ServerConfig Config { get; }

    public XmppServer Server { get; }

    public TlsServerContext? Tls => _tls;

    /// <summary>The Prometheus endpoint's bound address; null when metrics.enabled is false.</summary>
    public IPEndPoint? MetricsEndPoint => _metrics?.EndPoint;

    /// <summary>The plain HTTP listener of the WebSocket/BOSH endpoints; null when http.enabled is false or it has none.</summary>
    public IPEndPoint? HttpEndPoint => _http?.EndPoint;

    /// <summary>The HTTPS listener of the WebSocket/BOSH endpoints; null when http.enabled is false or it has none.</summary>
    public IPEndPoint? HttpsEndPoint => _http?.TlsEndPoint;

    /// <summary>The XEP-0065 SOCKS5 relay; null unless the proxy65 module is on.</summary>
    public Transport.Bytestreams.Socks5ProxyHost? Proxy => _files?.Proxy;

    /// <summary>The XEP-0363 upload store; null unless the upload module is on.</summary>
    public Http.Upload.UploadStore? Upload => _files?.Upload;

    /// <summary>Open client connections (negotiating or bound).</summary>
    public int ConnectionCount => _transport.ConnectionCount;

    /// <summary>Bound s2s listeners (STARTTLS ones first); empty when federation is off.</summary>
    public IReadOnlyList<IPEndPoint> S2sEndPoints => _s2s?.BoundEndPoints ?? [];

    /// <summary>Open s2s connections, both directions.</summary>
    public int S2sConnectionCount => _s2s?.ConnectionCount ?? 0;

    /// <summary>The node-link listener's bound address; null unless cluster.enabled with cluster.secret.</summary>
    public IPEndPoint? NodeLinkEndPoint => _links?.BoundEndPoint;

    /// <summary>Bound STARTTLS listeners then direct-TLS listeners, in configuration order.</summary>
    public IReadOnlyList<IPEndPoint> EndPoints => _transport.BoundEndPoints;

    /// <param name="extraModules">Modules wired in code beside the configured ones (tests, embedders).</param>
    /// <param name="configPath">The file <paramref name="config"/> came from, which reload reads again (null: defaults).</param>
    /// <param name="reloadOnSighup">Reload on SIGHUP (the CLI's run command; not for several hosts in one process).</param>
    public static async Task<ServerHost> StartAsync(
        ServerConfig config, ILoggerFactory loggerFactory, IEnumerable<IXmppModule>? extraModules = null, string? configPath = null, bool reloadOnSighup = false)
    {
        var dataDirectory = Path.GetFullPath(config.DataDirectory);
        Directory.CreateDirectory(dataDirectory);
        var logger = loggerFactory.CreateLogger("HighPerf.Xmpp.Server");
        ServerLog.Starting(logger, string.Join(", ", config.Domains), dataDirectory);

        XmppTransportHost.ApplyLeakDetectionDefault();
        var store = await StoreSetup.OpenAsync(config).ConfigureAwait(false);
        TlsServerContext? tls = null;
        XmppTransportHost? transport = null;
        XmppServer? server = null;
        ServerHost? host = null;
        FileServices? files = null;
        try
        {
            var certificateFiles = CertificateFiles(config, dataDirectory, logger);
            tls = CreateTls(config, certificateFiles, loggerFactory, logger);
            var modules = ModuleCatalog.Create(config);
            DirectoryModule? directory = null;
            if (config.Cluster.Enabled)
            {
                directory = await ClusterSetup.CreateDirectoryModuleAsync(config, store, loggerFactory).ConfigureAwait(false);
                modules.Add(directory);
            }
            if (extraModules is not null)
            {
                modules.AddRange(extraModules);
            }

            files = await FileServices.StartAsync(config, modules, loggerFactory).ConfigureAwait(false);
            server = new XmppServer(CoreOptionsFrom(config), store, modules, loggerFactory);
            ServerLog.Modules(logger, string.Join(", ", server.Modules.EnabledModules));
            files.PublishMetrics(server.Metrics);
            transport = new XmppTransportHost(server, TransportOptionsFrom(config, tls));
            host = new ServerHost(config, loggerFactory, store, tls, server, transport) { _files = files };
            if (config.Federation.Enabled)
            {
                host._s2s = FederationSetup.Create(config, server, transport, certificateFiles);
            }

            if (directory is not null && config.Cluster.Secret is not null)
            {
                host._links = ClusterSetup.CreateLinks(config, server, transport, directory, logger);
                await ClusterSetup.StartLinksAsync(config, host._links, directory).ConfigureAwait(false);
            }

            // HTTP first: upload slots name its bound port, and clients come in through the c2s listeners.
            if (config.Http.Enabled)
            {
                host._http = await HttpTransportHost.StartAsync(server, HttpOptionsFrom(config, certificateFiles, files.Upload)).ConfigureAwait(false);
            }

            files.HttpStarted(config, host._http);
            await transport.StartAsync(ListenersFrom(config)).ConfigureAwait(false);
            if (host._s2s is not null)
            {
                await host._s2s.StartAsync(FederationSetup.Listeners(config.Federation.Listen, "federation.listen"),
                    FederationSetup.Listeners(config.Federation.ListenDirectTls, "federation.listenDirectTls")).ConfigureAwait(false);
            }

            if (config.Metrics.Enabled)
            {
                host._metrics = await StartMetricsAsync(config, server, logger).ConfigureAwait(false);
            }

            host.StartOperations(configPath, reloadOnSighup);
            ServerLog.Ready(logger);
            return host;
        }
        catch
        {
            if (host is not null)
            {
                await host.StopOperationsAsync().ConfigureAwait(false);
                if (host._metrics is not null)
                {
                    await host._metrics.DisposeAsync().ConfigureAwait(false);
                }

                if (host._http is not null)
                {
                    await host._http.StopAsync(TimeSpan.Zero).ConfigureAwait(false);
                }

                if (host._s2s is not null)
                {
                    await host._s2s.StopAsync(TimeSpan.Zero).ConfigureAwait(false);
                }

                if (host._links is not null)
                {
                    await host._links.StopAsync(TimeSpan.Zero).ConfigureAwait(false);
                }
            }

            // A listener that could not bind leaves the others bound and the event loops running.
            if (transport is not null)
            {
                await transport.StopAsync(TimeSpan.Zero).ConfigureAwait(false);
            }

            if (files is not null)
            {
                await files.DisposeAsync().ConfigureAwait(false);
            }

            tls?.Dispose();
            await store.DisposeAsync().ConfigureAwait(false);
            server?.Metrics.Dispose();
            throw;
        }
    }

    /// <summary>Graceful stop: no new connections, system-shutdown to every session, final commit.</summary>
    public async Task StopAsync(string reason = "stop requested")
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        ServerLog.ShuttingDown(_logger, reason);
        var stage = "control socket";
        var started = Environment.TickCount64;
        using var watchdog = new Timer(
            _ => ServerLog.ShutdownSlow(_logger, (int)((Environment.TickCount64 - started) / 1000), Volatile.Read(ref stage)),
            null, ShutdownReportEvery, ShutdownReportEvery);
        await StopOperationsAsync().ConfigureAwait(false);
        if (_metrics is not null)
        {
            Volatile.Write(ref stage, "metrics endpoint");
            await _metrics.DisposeAsync().ConfigureAwait(false);
        }

        if (_http is not null)
        {
            Volatile.Write(ref stage, "HTTP transports");
            await _http.StopAsync(TimeSpan.FromSeconds(3)).ConfigureAwait(false);
        }

        if (_s2s is not null)
        {
            Volatile.Write(ref stage, "s2s listeners and links");
            await _s2s.StopAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }

        if (_links is not null)
        {
            Volatile.Write(ref stage, "node links");
            await _links.StopAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }

        Volatile.Write(ref stage, "c2s listeners and connections");
        await _transport.StopAsync(TimeSpan.FromSeconds(3)).ConfigureAwait(false);
        if (_files is not null)
        {
            Volatile.Write(ref stage, "file transfer services");
            await _files.DisposeAsync().ConfigureAwait(false);
        }

        Volatile.Write(ref stage, "module stop handlers");
        foreach (var stop in Server.Modules.StopHandlers)
        {
            stop();
        }

        // The store may be unreachable at a stop (a cluster engine that died): the stop still ends, in order. Nothing
        // acknowledged is at risk: a write is acknowledged only once durable, so the final commit covers the rest.
        Volatile.Write(ref stage, "store commit");
        try
        {
            await _store.CommitAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ServerLog.StopStoreFailed(_logger, "the final store commit", ex);
        }

        Volatile.Write(ref stage, "store close (in-flight operations, final checkpoint)");
        try
        {
            await _store.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ServerLog.StopStoreFailed(_logger, "closing the store", ex);
        }
        Volatile.Write(ref stage, "TLS contexts and metrics");
        _tls?.Dispose();
        Server.Metrics.Dispose();
        ServerLog.Stopped(_logger);
    }

    /// <summary>While a stop takes longer than this, the stage it waits on is logged at this interval.</summary>
    private static readonly TimeSpan ShutdownReportEvery = TimeSpan.FromSeconds(5);

    public async ValueTask DisposeAsync() => await StopAsync("disposed").ConfigureAwait(false);

    private static async Task<MetricsEndpoint> StartMetricsAsync(ServerConfig config, XmppServer server, ILogger logger)
    {
        var listen = ConfigLoader.ParseEndPoint(config.Metrics.Listen, "metrics.listen");
        MetricsEndpoint endpoint;
        try
        {
            endpoint = await MetricsEndpoint.StartAsync(server.Metrics, listen).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw new IOException($"Cannot serve metrics on {listen} (metrics.listen): {ex.Message}", ex);
        }

        ServerLog.MetricsListening(logger, $"http://{endpoint.EndPoint}/metrics");
        return endpoint;
    }

    internal static StoreOptions StoreOptionsFrom(ServerConfig config) => new()
    {
        Directory = Path.Combine(Path.GetFullPath(config.DataDirectory), "store"),
        OfflineMessagesPerUser = config.Storage.OfflineMessagesPerUser,
        CommitInterval = TimeSpan.FromMilliseconds(config.Storage.CommitIntervalMs),
    };

    private static XmppServerOptions CoreOptionsFrom(ServerConfig config) => new()
    {
        Domains = config.Domains,
        RequireTls = config.Tls.Required,
        AllowPlainWithoutTls = config.Auth.AllowPlainWithoutTls,
        AuthenticationTimeout = TimeSpan.FromSeconds(config.Auth.TimeoutSeconds),
        MaxAuthFailures = config.Auth.MaxFailures,
        AuthFailureDelay = TimeSpan.FromMilliseconds(config.Auth.FailureDelayMs),
        XmlLimits = new XmlStreamLimits
        {
            MaxStanzaBytes = config.Limits.MaxStanzaBytes,
            MaxDepth = config.Limits.MaxDepth,
            MaxAttributes = config.Limits.MaxAttributes,
        },
    };

    private static TransportOptions TransportOptionsFrom(ServerConfig config, TlsServerContext? tls) => new()
    {
        OutboundQueueLimitBytes = config.Limits.OutboundQueueBytes,
        InboundBytesPerSecond = config.Limits.InboundBytesPerSecond,
        InboundBurstBytes = config.Limits.InboundBurstBytes,
        MaxConnections = config.Limits.MaxConnections,
        MaxConnectionsPerAddress = config.Limits.MaxConnectionsPerIp,
        TlsHandlerFactory = tls is null ? null : tls.CreateHandler,
        Compression = ModuleOptions.Compression(config),
    };

    private static List<ListenerOptions> ListenersFrom(ServerConfig config)
    {
        var listeners = new List<ListenerOptions>();
        for (var i = 0; i < config.Listeners.Client.Count; i++)
        {
            listeners.Add(new ListenerOptions(ConfigLoader.ParseEndPoint(config.Listeners.Client[i], $"listeners.client[{i}]"), DirectTls: false, ModuleOptions.CompressionOn(config, config.Listeners.Client[i])));
        }

        for (var i = 0; i < config.Listeners.ClientDirectTls.Count; i++)
        {
            listeners.Add(new ListenerOptions(ConfigLoader.ParseEndPoint(config.Listeners.ClientDirectTls[i], $"listeners.clientDirectTls[{i}]"), DirectTls: true, ModuleOptions.CompressionOn(config, config.Listeners.ClientDirectTls[i])));
        }

        return listeners;
    }

    private static HttpTransportOptions HttpOptionsFrom(ServerConfig config, List<TlsCertificateFiles> certificateFiles, Http.Upload.UploadStore? upload)
    {
        var http = config.Http;
        var certificates = new List<KeyValuePair<string, X509Certificate2>>();
        if (!string.IsNullOrEmpty(http.ListenTls))
        {
            foreach (var files in certificateFiles)
            {
                certificates.Add(new(files.Domain, X509Certificate2.CreateFromPemFile(files.CertificatePath, files.PrivateKeyPath)));
            }
        }

        return new HttpTransportOptions
        {
            Listen = string.IsNullOrEmpty(http.Listen) ? null : ConfigLoader.ParseEndPoint(http.Listen, "http.listen"),
            ListenTls = string.IsNullOrEmpty(http.ListenTls) ? null : ConfigLoader.ParseEndPoint(http.ListenTls, "http.listenTls"),
            Certificates = certificates,
            PlainHttpIsSecure = http.PlainHttpIsSecure,
            CorsOrigins = http.CorsOrigins,
            OutboundQueueLimitBytes = config.Limits.OutboundQueueBytes,
            MaxConnections = config.Limits.MaxConnections,
            Upload = upload,
            Bosh = new BoshLimits
            {
                MaxWaitSeconds = http.Bosh.MaxWaitSeconds,
                MaxHold = http.Bosh.MaxHold,
                InactivitySeconds = http.Bosh.InactivitySeconds,
                MaxRequests = http.Bosh.MaxRequests,
                PollingSeconds = http.Bosh.PollingSeconds,
            },
        };
    }

    private static TlsServerContext CreateTls(ServerConfig config, List<TlsCertificateFiles> files, ILoggerFactory loggerFactory, ILogger logger)
    {
        var engine = config.Tls.Engine switch
        {
            "openssl" => TlsEngine.OpenSsl,
            "managed" => TlsEngine.Managed,
            _ => TlsEngine.Auto,
        };
        var tls = TlsServerContext.Create(files, new TlsServerOptions { Engine = engine }, loggerFactory.CreateLogger("HighPerf.Xmpp.Tls"));
        ServerLog.TlsEngine(logger, tls.Engine.ToString());
        return tls;
    }

    /// <summary>The configured PEM files, or the self-signed certificates in the data folder (created when missing).</summary>
    private static List<TlsCertificateFiles> CertificateFiles(ServerConfig config, string dataDirectory, ILogger logger)
    {
        var files = new List<TlsCertificateFiles>();
        if (!string.IsNullOrEmpty(config.Tls.Certificate))
        {
            files.Add(new TlsCertificateFiles(config.Domains[0], Path.GetFullPath(config.Tls.Certificate), Path.GetFullPath(config.Tls.Key!)));
        }
        else
        {
            foreach (var domain in config.Domains)
            {
                var info = SelfSignedCertificate.EnsureExists(dataDirectory, domain);
                if (info.Created)
                {
                    ServerLog.CertificateCreated(logger, domain, info.CertificatePath);
                }

                ServerLog.CertificateFingerprint(logger, domain, info.Sha256Fingerprint);
                files.Add(info.ToFiles(domain));
            }
        }

        return files;
    }
}
