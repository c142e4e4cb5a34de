namespace HighPerf.Xmpp.Server.Configuration;

/// <summary>modules.proxy65: the XEP-0065 SOCKS5 bytestream proxy (module "proxy65", off by default).</summary>
public sealed class Proxy65Config
{
    /// <summary>The proxy's domain; null or empty: "proxy." + the first served domain.</summary>
    public string? Domain { get; set; }

    /// <summary>Name of the service in service discovery.</summary>
    public string Name { get; set; } = "SOCKS5 Bytestreams";

    /// <summary>address:port the SOCKS5 relay listens on.</summary>
    public string Listen { get; set; } = "127.0.0.1:7777";

    /// <summary>Host name or address announced to clients; null: the listen address (which must then not be a wildcard).</summary>
    public string? Host { get; set; }

    /// <summary>Port announced to clients (behind port forwarding); 0: the listen port.</summary>
    public int Port { get; set; }

    /// <summary>Bytestreams at once (waiting or relaying); more are refused in the SOCKS5 handshake.</summary>
    public int MaxTransfers { get; set; } = 64;

    /// <summary>Bytes per second one bytestream may relay, both directions together; 0: unlimited.</summary>
    public long MaxBytesPerSecond { get; set; }

    /// <summary>A connection that moves no byte for this many seconds is closed (handshake, waiting for activation, relaying).</summary>
    public int IdleTimeoutSeconds { get; set; } = 60;
}
