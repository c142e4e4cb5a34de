using System.Net;
using System.Text.Json;
using HighPerf.Xmpp.Core.Addressing;

namespace HighPerf.Xmpp.Server.Configuration;

/// <summary>Reads the JSON file (or the embedded defaults) and checks every value, naming the bad key.</summary>
public static class ConfigLoader
{
    private static readonly string[] LogLevels = ["Trace", "Debug", "Information", "Warning", "Error", "Critical", "None"];
    private static readonly string[] Engines = ["auto", "openssl", "managed"];

    public static ServerConfig Load(string? path)
    {
        ServerConfig? config;
        if (path is null)
        {
            config = new ServerConfig();
        }
        else
        {
            if (!File.Exists(path))
            {
                throw new ConfigException($"Configuration file '{path}' does not exist.");
            }

            try
            {
                using var stream = File.OpenRead(path);
                config = JsonSerializer.Deserialize(stream, ServerConfigJsonContext.Default.ServerConfig);
            }
            catch (JsonException ex)
            {
                throw new ConfigException($"Configuration file '{path}': {ex.Message} (key {ex.Path ?? "?"}).");
            }

            if (config is null)
            {
                throw new ConfigException($"Configuration file '{path}' is empty.");
            }
        }

        Validate(config);
        return config;
    }

    public static void Validate(ServerConfig config)
    {
        if (config.Domains.Count == 0)
        {
            throw new ConfigException("domains: at least one domain is required.");
        }

        foreach (var domain in config.Domains)
        {
            if (string.IsNullOrWhiteSpace(domain) || !Jid.TryParse(domain, out var jid) || jid.Local is not null || jid.Resource is not null)
            {
                throw new ConfigException($"domains: '{domain}' is not a domain name.");
            }
        }

        if (string.IsNullOrWhiteSpace(config.DataDirectory))
        {
            throw new ConfigException("dataDirectory: must not be empty.");
        }

        for (var i = 0; i < config.Listeners.Client.Count; i++)
        {
            ParseEndPoint(config.Listeners.Client[i], $"listeners.client[{i}]");
        }

        for (var i = 0; i < config.Listeners.ClientDirectTls.Count; i++)
        {
            ParseEndPoint(config.Listeners.ClientDirectTls[i], $"listeners.clientDirectTls[{i}]");
        }

        if (config.Listeners.Client.Count + config.Listeners.ClientDirectTls.Count == 0)
        {
            throw new ConfigException("listeners: at least one client listener is required.");
        }

        if (!Engines.Contains(config.Tls.Engine))
        {
            throw new ConfigException($"tls.engine: '{config.Tls.Engine}' is not one of auto, openssl, managed.");
        }

        if (string.IsNullOrEmpty(config.Tls.Certificate) != string.IsNullOrEmpty(config.Tls.Key))
        {
            throw new ConfigException("tls.certificate and tls.key: give both PEM files, or neither for a generated certificate.");
        }

        RequireRange(config.Auth.TimeoutSeconds, 1, 3600, "auth.timeoutSeconds");
        RequireRange(config.Auth.MaxFailures, 1, 100, "auth.maxFailures");
        RequireRange(config.Auth.FailureDelayMs, 0, 60_000, "auth.failureDelayMs");
        RequireRange(config.Auth.ScramIterations, 4096, 10_000_000, "auth.scramIterations");
        RequireRange(config.Limits.MaxStanzaBytes, 4096, 64 * 1024 * 1024, "limits.maxStanzaBytes");
        RequireRange(config.Limits.MaxDepth, 4, 1024, "limits.maxDepth");
        RequireRange(config.Limits.MaxAttributes, 8, 4096, "limits.maxAttributes");
        RequireRange(config.Limits.OutboundQueueBytes, 16 * 1024, 1024 * 1024 * 1024, "limits.outboundQueueBytes");
        RequireRange(config.Limits.InboundBytesPerSecond, 0, int.MaxValue, "limits.inboundBytesPerSecond");
        if (config.Limits.InboundBytesPerSecond > 0)
        {
            RequireRange(config.Limits.InboundBurstBytes, config.Limits.MaxStanzaBytes, int.MaxValue, "limits.inboundBurstBytes (at least limits.maxStanzaBytes)");
        }

        RequireRange(config.Limits.MaxConnections, 0, int.MaxValue, "limits.maxConnections");
        RequireRange(config.Limits.MaxConnectionsPerIp, 0, int.MaxValue, "limits.maxConnectionsPerIp");
        if (config.Metrics.Enabled)
        {
            ParseEndPoint(config.Metrics.Listen, "metrics.listen");
        }

        if (config.Http.Enabled)
        {
            ValidateHttp(config.Http);
        }

        if (config.Federation.Enabled)
        {
            ValidateFederation(config.Federation);
        }

        if (config.Cluster.Enabled)
        {
            ValidateCluster(config.Cluster);
        }

        if (config.Control.Enabled && System.Text.Encoding.UTF8.GetByteCount(config.ControlSocketPath()) > 107)
        {
            throw new ConfigException($"control.socket: '{config.ControlSocketPath()}' is longer than a Unix socket path may be (107 bytes); set control.socket to a shorter path.");
        }

        RequireRange(config.Storage.OfflineMessagesPerUser, 0, 1_000_000, "storage.offlineMessagesPerUser");
        RequireRange(config.Storage.CommitIntervalMs, 1, 10_000, "storage.commitIntervalMs");
        ModulesConfigValidator.Validate(config);
        if (!LogLevels.Contains(config.Logging.Level))
        {
            throw new ConfigException($"logging.level: '{config.Logging.Level}' is not one of {string.Join(", ", LogLevels)}.");
        }
    }

    private static void ValidateFederation(FederationConfig federation)
    {
        for (var i = 0; i < federation.Listen.Count; i++)
        {
            ParseEndPoint(federation.Listen[i], $"federation.listen[{i}]");
        }

        for (var i = 0; i < federation.ListenDirectTls.Count; i++)
        {
            ParseEndPoint(federation.ListenDirectTls[i], $"federation.listenDirectTls[{i}]");
        }

        foreach (var (domain, route) in federation.Routes)
        {
            ParseRoute(route, $"federation.routes.{domain}");
        }

        foreach (var file in federation.ExtraCaFiles)
        {
            if (!File.Exists(file))
            {
                throw new ConfigException($"federation.extraCaFiles: '{file}' does not exist.");
            }
        }

        if (!federation.AllowDialback && !federation.RequireTls)
        {
            throw new ConfigException("federation.allowDialback: false needs federation.requireTls (SASL EXTERNAL runs over TLS only).");
        }

        RequireRange(federation.IdleTimeoutSeconds, 0, 86_400, "federation.idleTimeoutSeconds");
        RequireRange(federation.ConnectTimeoutSeconds, 1, 600, "federation.connectTimeoutSeconds");
        RequireRange(federation.QueueBytesPerDomain, 4096, 1024 * 1024 * 1024, "federation.queueBytesPerDomain");
        RequireRange(federation.MaxInboundStreamsPerDomain, 1, 1024, "federation.maxInboundStreamsPerDomain");
    }

    /// <summary>"host:port" or "tls:host:port" (direct TLS); the host may be a name, an IPv4 address or a bracketed IPv6 one.</summary>
    public static (string Host, int Port, bool DirectTls) ParseRoute(string value, string key)
    {
        var directTls = value.StartsWith("tls:", StringComparison.Ordinal);
        var rest = directTls ? value[4..] : value;
        var colon = rest.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(rest.AsSpan(colon + 1), out var port) || port is < 1 or > 65535)
        {
            throw new ConfigException($"{key}: '{value}' is not host:port or tls:host:port.");
        }

        var host = rest[..colon].Trim('[', ']');
        return (host, port, directTls);
    }

    private static void ValidateHttp(HttpConfig http)
    {
        if (string.IsNullOrEmpty(http.Listen) && string.IsNullOrEmpty(http.ListenTls))
        {
            throw new ConfigException("http: enabled with neither http.listen nor http.listenTls set.");
        }

        if (!string.IsNullOrEmpty(http.Listen))
        {
            ParseEndPoint(http.Listen, "http.listen");
        }

        if (!string.IsNullOrEmpty(http.ListenTls))
        {
            ParseEndPoint(http.ListenTls, "http.listenTls");
        }

        foreach (var origin in http.CorsOrigins)
        {
            if (origin != "*" && !(Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.AbsolutePath == "/" && !origin.EndsWith('/')))
            {
                throw new ConfigException($"http.corsOrigins: '{origin}' is not an origin (scheme://host[:port]) or \"*\".");
            }
        }

        RequireRange(http.Bosh.MaxWaitSeconds, 1, 3600, "http.bosh.maxWaitSeconds");
        RequireRange(http.Bosh.MaxHold, 0, 16, "http.bosh.maxHold");
        RequireRange(http.Bosh.InactivitySeconds, 2, 3600, "http.bosh.inactivitySeconds");
        RequireRange(http.Bosh.MaxRequests, http.Bosh.MaxHold + 1, 32, "http.bosh.maxRequests (at least http.bosh.maxHold + 1)");
        RequireRange(http.Bosh.PollingSeconds, 0, http.Bosh.InactivitySeconds, "http.bosh.pollingSeconds");
    }

    private static void ValidateCluster(ClusterConfig cluster)
    {
        if (cluster.Endpoints.Count == 0)
        {
            throw new ConfigException("cluster.endpoints: at least one host:port of the Garnet engine is needed.");
        }

        for (var i = 0; i < cluster.Endpoints.Count; i++)
        {
            var endpoint = cluster.Endpoints[i];
            var colon = endpoint.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(endpoint.AsSpan(colon + 1), out var port) || port is < 1 or > 65535)
            {
                throw new ConfigException($"cluster.endpoints[{i}]: '{endpoint}' is not a host:port.");
            }
        }

        if (string.IsNullOrEmpty(cluster.KeyPrefix) || cluster.KeyPrefix.Length > 64)
        {
            throw new ConfigException("cluster.keyPrefix: 1 to 64 characters.");
        }

        RequireRange(cluster.TimeoutSeconds, 1, 300, "cluster.timeoutSeconds");
        if (cluster.Secret is { Length: < 16 })
        {
            throw new ConfigException("cluster.secret: at least 16 characters.");
        }

        if (cluster.Secret is not null && cluster.Tls)
        {
            if (string.IsNullOrEmpty(cluster.Certificate) || string.IsNullOrEmpty(cluster.Key))
            {
                throw new ConfigException("cluster.certificate and cluster.key: the PEM files of the certificate all nodes share for their links "
                    + "are needed while cluster.tls is on (perf/cluster/start.sh shows how to make one); cluster.tls: false sends links in the clear.");
            }

            foreach (var (path, key) in new[] { (cluster.Certificate, "cluster.certificate"), (cluster.Key, "cluster.key") })
            {
                if (!File.Exists(path))
                {
                    throw new ConfigException($"{key}: '{path}' does not exist.");
                }
            }
        }

        ParseEndPoint(cluster.Listen, "cluster.listen");
        if (cluster.Advertise is { } advertise && !System.Net.IPEndPoint.TryParse(advertise, out _))
        {
            throw new ConfigException($"cluster.advertise: '{advertise}' is not an ip:port.");
        }
        RequireRange(cluster.HeartbeatSeconds, 1, 60, "cluster.heartbeatSeconds");
        RequireRange(cluster.SessionTtlSeconds, cluster.HeartbeatSeconds * 2, 3600, "cluster.sessionTtlSeconds (at least twice cluster.heartbeatSeconds)");
        if (cluster.NodeId is { } nodeId && (nodeId.Length is 0 or > 64 || nodeId.Contains('|', StringComparison.Ordinal)))
        {
            throw new ConfigException("cluster.nodeId: 1 to 64 characters, no '|'.");
        }
    }

    public static IPEndPoint ParseEndPoint(string value, string key)
    {
        if (!IPEndPoint.TryParse(value, out var endPoint) || endPoint.Port == 0 && !value.EndsWith(":0", StringComparison.Ordinal))
        {
            throw new ConfigException($"{key}: '{value}' is not an address:port (for example 127.0.0.1:5222 or [::]:5222).");
        }

        return endPoint;
    }

    private static void RequireRange(int value, int min, int max, string key)
    {
        if (value < min || value > max)
        {
            throw new ConfigException($"{key}: {value} is outside {min}..{max}.");
        }
    }
}
