using DotNetty.Transport.Channels;
using HighPerf.Xmpp.Transport.Compression;

namespace HighPerf.Xmpp.Transport.Hosting;

/// <summary>Connection-level settings: buffers, bounds, TLS.</summary>
public sealed record TransportOptions
{
    /// <summary>Bytes a connection may have queued for its peer beyond DotNetty's write buffer before it is
    /// closed with a policy-violation stream error (a reader that stopped reading).</summary>
    public long OutboundQueueLimitBytes { get; init; } = 512 * 1024;

    /// <summary>Sustained inbound bytes per second per connection (token bucket; 0: unlimited). Beyond it the
    /// connection's reading pauses until the bucket refills: the peer's data waits in its socket, nothing is dropped.</summary>
    public int InboundBytesPerSecond { get; init; } = 1024 * 1024;

    /// <summary>Bucket size: bytes a connection may send at once before the rate applies.</summary>
    public int InboundBurstBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Connections open at once on this host (0: unlimited); more are closed at accept.</summary>
    public int MaxConnections { get; init; } = 1024 * 1024;

    /// <summary>Connections open at once from one remote address (0: unlimited); more are closed at accept.</summary>
    public int MaxConnectionsPerAddress { get; init; } = 16 * 1024;

    /// <summary>DotNetty marks the channel unwritable above this many pending bytes; the queue then holds
    /// further data until the peer reads.</summary>
    public int WriteBufferHighWaterMark { get; init; } = 64 * 1024;

    public int WriteBufferLowWaterMark { get; init; } = 32 * 1024;

    /// <summary>Listen backlog, sized for connection storms.</summary>
    public int Backlog { get; init; } = 4096;

    /// <summary>Event loop threads; 0 means one per core.</summary>
    public int EventLoopThreads { get; init; }

    /// <summary>How long a closing connection may take to flush its last bytes before it is dropped.</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Creates the TLS handler for a connection (argument: true for direct TLS, XEP-0368); null
    /// when no certificate is configured, in which case STARTTLS is not offered.</summary>
    public Func<bool, IChannelHandler>? TlsHandlerFactory { get; init; }

    /// <summary>zlib settings for listeners that offer XEP-0138 compression.</summary>
    public CompressionOptions Compression { get; init; } = CompressionOptions.Default;
}
