using System.Net;
using DotNetty.Buffers;
using DotNetty.Transport.Bootstrapping;
using DotNetty.Transport.Channels;
using DotNetty.Transport.Channels.Sockets;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Protocol;
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
    private readonly MultithreadEventLoopGroup _bossGroup = new(1);
    private readonly MultithreadEventLoopGroup _workerGroup;
    private readonly List<IChannel> _listeners = [];
    private bool _stopped;

    public XmppTransportHost(XmppServer server, TransportOptions options)
    {
        _server = server;
        _options = options;
        _logger = server.LoggerFactory.CreateLogger("HighPerf.Xmpp.Transport");
        var threads = options.EventLoopThreads > 0 ? options.EventLoopThreads : Environment.ProcessorCount;
        _workerGroup = new MultithreadEventLoopGroup(threads);
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

            var bootstrap = new ServerBootstrap()
                .Group(_bossGroup, _workerGroup)
                .Channel<TcpServerSocketChannel>()
                .Option(ChannelOption.SoBacklog, _options.Backlog)
                .Option(ChannelOption.SoReuseaddr, true)
                .ChildOption(ChannelOption.TcpNodelay, true)
                .ChildOption(ChannelOption.SoKeepalive, true)
                .ChildOption(ChannelOption.Allocator, PooledByteBufferAllocator.Default)
                .ChildOption(ChannelOption.WriteBufferHighWaterMark, _options.WriteBufferHighWaterMark)
                .ChildOption(ChannelOption.WriteBufferLowWaterMark, _options.WriteBufferLowWaterMark)
                .ChildHandler(new XmppChannelInitializer(_server, _options, _logger, listener.DirectTls));
            var channel = await bootstrap.BindAsync(listener.EndPoint).ConfigureAwait(false);
            _listeners.Add(channel);
            // DotNetty binds dual-mode sockets, which report IPv4 addresses in their IPv6-mapped form.
            var endPoint = (IPEndPoint)channel.LocalAddress;
            if (endPoint.Address.IsIPv4MappedToIPv6)
            {
                endPoint = new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port);
            }

            bound.Add(endPoint);
            TransportLog.Listening(_logger, endPoint.ToString(), listener.DirectTls ? "direct TLS" : "STARTTLS");
        }

        BoundEndPoints = bound;
    }

    /// <summary>
    /// Stops accepting, tells every bound session the server is shutting down (system-shutdown stream
    /// error), gives them a moment to flush, then stops the event loops.
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

        var kicked = 0;
        foreach (var user in _server.Routes.Users)
        {
            foreach (var session in user.Sessions)
            {
                session.Kick(StreamErrorCondition.SystemShutdown);
                kicked++;
            }
        }

        if (kicked > 0)
        {
            var deadline = DateTime.UtcNow + grace;
            while (_server.Routes.SessionCount > 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20).ConfigureAwait(false);
            }
        }

        await Task.WhenAll(
            _workerGroup.ShutdownGracefullyAsync(TimeSpan.FromMilliseconds(50), grace),
            _bossGroup.ShutdownGracefullyAsync(TimeSpan.FromMilliseconds(50), grace)).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await StopAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
}
