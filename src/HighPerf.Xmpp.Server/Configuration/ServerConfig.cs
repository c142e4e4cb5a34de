namespace HighPerf.Xmpp.Server.Configuration;

/// <summary>
/// The JSON configuration file. Every property has an embedded default, so running with no file serves
/// domain "localhost" on 127.0.0.1:5222 (STARTTLS) and 127.0.0.1:5223 (direct TLS) with data in ./data.
/// </summary>
public sealed class ServerConfig
{
    /// <summary>Domains served; the first is the default.</summary>
    public List<string> Domains { get; set; } = ["localhost"];

    /// <summary>Folder for the store, the generated certificate and the control socket.</summary>
    public string DataDirectory { get; set; } = "data";

    public ListenersConfig Listeners { get; set; } = new();

    public TlsConfig Tls { get; set; } = new();

    public AuthConfig Auth { get; set; } = new();

    public LimitsConfig Limits { get; set; } = new();

    public StorageConfig Storage { get; set; } = new();

    public ModulesConfig Modules { get; set; } = new();

    public LoggingConfig Logging { get; set; } = new();

    public MetricsConfig Metrics { get; set; } = new();

    public ControlConfig Control { get; set; } = new();

    public HttpConfig Http { get; set; } = new();

    public FederationConfig Federation { get; set; } = new();

    public ClusterConfig Cluster { get; set; } = new();

    /// <summary>The socket path of the control channel (<see cref="ControlConfig.Socket"/> or the data folder's).</summary>
    public string ControlSocketPath()
        => Path.GetFullPath(string.IsNullOrEmpty(Control.Socket) ? Path.Combine(DataDirectory, "control.sock") : Control.Socket);
}

public sealed class ListenersConfig
{
    /// <summary>c2s listeners with STARTTLS (host:port).</summary>
    public List<string> Client { get; set; } = ["127.0.0.1:5222"];

    /// <summary>c2s listeners speaking TLS from the first byte (XEP-0368).</summary>
    public List<string> ClientDirectTls { get; set; } = ["127.0.0.1:5223"];
}

public sealed class TlsConfig
{
    /// <summary>PEM file with the certificate chain; empty: a self-signed certificate is generated into the data folder.</summary>
    public string? Certificate { get; set; }

    /// <summary>PEM file with the private key.</summary>
    public string? Key { get; set; }

    /// <summary>"auto" (OpenSSL when libssl.so.3 loads, else managed), "openssl" or "managed".</summary>
    public string Engine { get; set; } = "auto";

    /// <summary>STARTTLS is required before authentication (RFC 7590). Turn off only for loopback benchmarks.</summary>
    public bool Required { get; set; } = true;
}

public sealed class AuthConfig
{
    /// <summary>Offer SASL PLAIN on unencrypted streams (loopback benchmarks only).</summary>
    public bool AllowPlainWithoutTls { get; set; }

    /// <summary>Seconds an unauthenticated connection may stay open.</summary>
    public int TimeoutSeconds { get; set; } = 30;

    /// <summary>Failed SASL attempts before the connection is closed.</summary>
    public int MaxFailures { get; set; } = 3;

    /// <summary>Milliseconds added before answering the second and later failed attempts (times the count).</summary>
    public int FailureDelayMs { get; set; } = 1000;

    /// <summary>PBKDF2 iterations for new SCRAM credentials (RFC 7677 asks for at least 4096).</summary>
    public int ScramIterations { get; set; } = 4096;
}

public sealed class LimitsConfig
{
    public int MaxStanzaBytes { get; set; } = 256 * 1024;

    public int MaxDepth { get; set; } = 32;

    public int MaxAttributes { get; set; } = 64;

    /// <summary>Bytes queued for a client that does not read before it is disconnected (policy-violation).</summary>
    public int OutboundQueueBytes { get; set; } = 512 * 1024;

    /// <summary>Sustained bytes per second a connection may send (token bucket; 0: unlimited). Over it, reading
    /// pauses until the bucket refills; nothing is dropped.</summary>
    public int InboundBytesPerSecond { get; set; } = 1024 * 1024;

    /// <summary>Bucket size of the inbound rate limit: what a connection may send at once.</summary>
    public int InboundBurstBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Connections open at once (0: unlimited); more are closed at accept.</summary>
    public int MaxConnections { get; set; } = 1024 * 1024;

    /// <summary>Connections open at once from one IP address (0: unlimited); more are closed at accept.</summary>
    public int MaxConnectionsPerIp { get; set; } = 16 * 1024;
}

public sealed class StorageConfig
{
    /// <summary>Offline messages kept per user (XEP-0160).</summary>
    public int OfflineMessagesPerUser { get; set; } = 1000;

    /// <summary>Group-commit interval in milliseconds (a write is acknowledged once covered by a commit).</summary>
    public int CommitIntervalMs { get; set; } = 2;
}

public sealed class ModulesConfig
{
    /// <summary>Enabled modules by name; null means the default set.</summary>
    public List<string>? Enabled { get; set; }

    public DiscoConfig Disco { get; set; } = new();

    public RegisterConfig Register { get; set; } = new();

    public VersionConfig Version { get; set; } = new();

    public CompressionConfig Compression { get; set; } = new();

    public MucConfig Muc { get; set; } = new();

    public StreamManagementConfig Sm { get; set; } = new();

    public PushConfig Push { get; set; } = new();

    public Proxy65Config Proxy65 { get; set; } = new();

    public UploadConfig Upload { get; set; } = new();

    public ExtDiscoConfig Extdisco { get; set; } = new();

    public MamConfig Mam { get; set; } = new();

    public PepConfig Pep { get; set; } = new();
}

public sealed class LoggingConfig
{
    /// <summary>Trace, Debug, Information, Warning, Error, Critical or None.</summary>
    public string Level { get; set; } = "Information";
}
