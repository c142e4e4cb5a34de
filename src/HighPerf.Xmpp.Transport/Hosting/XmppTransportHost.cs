using System.Net;
using System.Net.Sockets;
using DotNetty.Buffers;
using DotNetty.Common;
using DotNetty.Transport.Bootstrapping;
using DotNetty.Transport.Channels;
using DotNetty.Transport.Channels.Sockets;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Transport.Connections;
using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Transport.Hosting;

/// <summary>
/// The c2s listeners on DotNetty: one boss loop accepts, one worker loop per core serves connections
/// (each connection stays on one loop for its life).
/// </summary>
public sealed class XmppTransportHost : IAsyncDisposable
{
    private readonly XmppServer _server;
    private readonly TransportOptions _options;
    private readonly ILogger _logger;
    private static readonly TimeSpan LoopShutdownTimeout = TimeSpan.FromMilliseconds(250);

    // DotNetty's default (64 B … 64 KiB, first guess 1 KiB), one instance for every connection: the allocator only
    // makes per-channel handles, and a channel's own default instance would stay alive with it (32 bytes each).
    private static readonly AdaptiveRecvByteBufAllocator ReceiveAllocator = new();

    private readonly MultithreadEventLoopGroup _bossGroup = new(1);
    private readonly MultithreadEventLoopGroup _workerGroup;
    private readonly List<IChannel> _listeners = [];
    private readonly ConnectionSet _connections;
    private bool _stopped;

    public XmppTransportHost(XmppServer server, TransportOptions options)
    {
        _server = server;
        _options = options;
        _logger = server.LoggerFactory.CreateLogger("HighPerf.Xmpp.Transport");
        var threads = options.EventLoopThreads > 0 ? options.EventLoopThreads : Environment.ProcessorCount;
        _workerGroup = new MultithreadEventLoopGroup(threads);
        _connections = new ConnectionSet(new ConnectionLimiter(options.MaxConnections, options.MaxConnectionsPerAddress));
        server.Metrics.Meter.CreateObservableGauge("xmpp.outbound.queued", QueuedBytes, "By",
            "Bytes waiting in outbound queues (beyond the socket's write buffer), summed over open connections");
        server.Metrics.Meter.CreateObservableGauge("xmpp.outbound.queued.max", MaxQueuedBytes, "By",
            "Largest outbound queue of any open connection");
    }

    /// <summary>
    /// Turns DotNetty's buffer leak detection off unless the operator asked for a level with the
    /// <c>io.netty.leakDetection.level</c> environment variable. DotNetty's default samples one buffer in 128
    /// and captures a stack trace for it: kilobytes of garbage and a stack walk on the I/O path, for a check
    /// that belongs in tests (the transport tests run it at its strictest level).
    /// </summary>
    public static void ApplyLeakDetectionDefault()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("io.netty.leakDetection.level")))
        {
            ResourceLeakDetector.Level = ResourceLeakDetector.DetectionLevel.Disabled;
        }
    }

    /// <summary>Open client connections (negotiating or bound).</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>The worker loops, shared with the s2s connections.</summary>
    internal IEventLoopGroup WorkerGroup => _workerGroup;

    internal IEventLoopGroup BossGroup => _bossGroup;

    internal TransportOptions Options => _options;

    /// <summary>Open connections with their session, for admin commands (a snapshot; not for routing).</summary>
    public IEnumerable<XmppSession> Sessions
    {
        get
        {
            foreach (var connection in _connections.Walk())
            {
                if (connection.Session is { } session)
                {
                    yield return session;
                }
            }
        }
    }

    /// <summary>The addresses actually bound (port 0 in the options becomes the chosen port).</summary>
    public IReadOnlyList<IPEndPoint> BoundEndPoints { get; private set; } = [];

    public async Task StartAsync(IReadOnlyList<ListenerOptions> listeners)
    {
        var bound = new List<IPEndPoint>();
        foreach (var listener in listeners)
        {
            if (listener.DirectTls && _options.TlsHandlerFactory is null)
            {
                throw new InvalidOperationException($"Direct TLS on {listener.EndPoint} needs a certificate.");
            }

            var info = new ListenerInfo(listener.EndPoint.ToString(), listener.DirectTls);
            var bootstrap = new ServerBootstrap()
                .Group(_bossGroup, _workerGroup)
                .Channel<TcpServerSocketChannel>()
                .Option(ChannelOption.SoBacklog, _options.Backlog)
                .Option(ChannelOption.SoReuseaddr, true)
                .ChildOption(ChannelOption.TcpNodelay, true)
                .ChildOption(ChannelOption.SoKeepalive, true)
                .ChildOption(ChannelOption.Allocator, PooledByteBufferAllocator.Default)
                .ChildOption(ChannelOption.RcvbufAllocator, ReceiveAllocator)
                .ChildOption(ChannelOption.WriteBufferHighWaterMark, _options.WriteBufferHighWaterMark)
                .ChildOption(ChannelOption.WriteBufferLowWaterMark, _options.WriteBufferLowWaterMark)
                .ChildHandler(new XmppChannelInitializer(_server, _options, _logger, info, _connections)
                {
                    Compression = listener.Compression ? _options.Compression : null,
                });
            IChannel channel;
            try
            {
                channel = await bootstrap.BindAsync(listener.EndPoint).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException || ex.InnerException is SocketException)
            {
                // Name the address: "address already in use" alone does not say which of the listeners.
                var reason = ex is SocketException ? ex.Message : ex.InnerException!.Message;
                throw new IOException($"Cannot listen on {listener.EndPoint} ({(listener.DirectTls ? "direct TLS" : "STARTTLS")}): {reason}", ex);
            }

            _listeners.Add(channel);
            // DotNetty binds dual-mode sockets, which report IPv4 addresses in their IPv6-mapped form.
            var endPoint = (IPEndPoint)channel.LocalAddress;
            if (endPoint.Address.IsIPv4MappedToIPv6)
            {
                endPoint = new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port);
            }

            info.Name = endPoint.ToString();
            bound.Add(endPoint);
            TransportLog.Listening(_logger, endPoint.ToString(), listener.DirectTls ? "direct TLS" : "STARTTLS");
        }

        BoundEndPoints = bound;
    }

    /// <summary>
    /// Stops accepting, tells every open connection (bound, negotiating, or silent) that the server is
    /// shutting down (system-shutdown stream error), gives them up to <paramref name="grace"/> to flush and
    /// close, then stops the event loops.
    /// </summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        foreach (var listener in _listeners)
        {
            await listener.CloseAsync().ConfigureAwait(false);
        }

        _connections.Close();
        var open = _connections.Snapshot();
        if (open.Count > 0)
        {
            TransportLog.Stopping(_logger, open.Count);
            foreach (var connection in open)
            {
                connection.Session.Kick(StreamErrorCondition.SystemShutdown);
            }

            var deadline = DateTime.UtcNow + grace;
            while (_connections.Count > 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20).ConfigureAwait(false);
            }
        }

        // The connections had their grace period above, so the loops hold nothing worth waiting for. A short
        // timeout matters: DotNetty 0.7's graceful shutdown tends to run to its timeout rather than its quiet period.
        await EventLoopShutdown.ShutdownAsync(_logger, "c2s", LoopShutdownTimeout, _workerGroup, _bossGroup).ConfigureAwait(false);
    }

    /// <summary>Scrape time only: walks every open connection.</summary>
    private long QueuedBytes()
    {
        long total = 0;
        foreach (var connection in _connections.Walk())
        {
            total += connection.QueuedBytes;
        }

        return total;
    }

    private long MaxQueuedBytes()
    {
        long max = 0;
        foreach (var connection in _connections.Walk())
        {
            max = Math.Max(max, connection.QueuedBytes);
        }

        return max;
    }

    public async ValueTask DisposeAsync() => await StopAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
}
