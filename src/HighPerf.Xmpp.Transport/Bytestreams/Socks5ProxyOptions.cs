using System.Net;

namespace HighPerf.Xmpp.Transport.Bytestreams;

/// <summary>Settings of the XEP-0065 SOCKS5 relay.</summary>
public sealed record Socks5ProxyOptions
{
    /// <summary>Where the relay listens (port 0: any free port).</summary>
    public required IPEndPoint Listen { get; init; }

    /// <summary>Host announced to clients; null: the listen address.</summary>
    public string? AdvertisedHost { get; init; }

    /// <summary>Port announced to clients; 0: the bound port.</summary>
    public int AdvertisedPort { get; init; }

    /// <summary>Bytestreams at once (waiting for the second party, waiting for activation, or relaying).</summary>
    public int MaxTransfers { get; init; } = 64;

    /// <summary>Bytes per second one bytestream may relay, both directions together (0: unlimited).</summary>
    public long MaxBytesPerSecond { get; init; }

    /// <summary>A connection or bytestream that moves no byte for this long is closed (handshake included).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Pending bytes toward one side above which the other side stops reading (back-pressure).</summary>
    public int WriteBufferHighWaterMark { get; init; } = 256 * 1024;

    /// <summary>Pending bytes below which reading resumes.</summary>
    public int WriteBufferLowWaterMark { get; init; } = 128 * 1024;

    /// <summary>Event loop threads; 0: one per core.</summary>
    public int EventLoopThreads { get; init; }
}
