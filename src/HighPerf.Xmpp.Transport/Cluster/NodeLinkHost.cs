using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using DotNetty.Buffers;
using DotNetty.Transport.Bootstrapping;
using DotNetty.Transport.Channels;
using DotNetty.Transport.Channels.Sockets;
using HighPerf.Xmpp.Core.Cluster;
using HighPerf.Xmpp.Transport.Hosting;

namespace HighPerf.Xmpp.Transport.Cluster;

/// <summary>
/// The node-link side of the transport: the cluster listener (other nodes connect here to send to this node's
/// sessions) and the connector that opens this node's outbound links, on the c2s host's event loops. With
/// <see cref="Tls"/> each link's pipeline is [tls] → node-link on both sides; without, the frames go in the clear.
/// </summary>
public sealed class NodeLinkHost : INodeConnector, IAsyncDisposable
{
    private readonly XmppTransportHost _c2s;
    private readonly ConcurrentDictionary<NodeLinkConnection, byte> _connections = new();
    private IChannel? _listener;
    private bool _stopped;

    /// <param name="tls">The shared cluster certificate; null: links without TLS (a private network).</param>
    public NodeLinkHost(NodeLinks links, XmppTransportHost c2s, NodeLinkTls? tls)
    {
        ArgumentNullException.ThrowIfNull(links);
        ArgumentNullException.ThrowIfNull(c2s);
        Links = links;
        _c2s = c2s;
        Tls = tls;
        MaxFrameBytes = links.Server.Options.XmlLimits.MaxStanzaBytes + 16 * 1024;
        links.Connector = this;
    }

    public NodeLinks Links { get; }

    /// <summary>TLS on the links; null when they are plain.</summary>
    public NodeLinkTls? Tls { get; }

    /// <summary>Bound of one connection's outbound queue (the link's held bytes bound what piles up).</summary>
    internal long OutboundQueueBytes => Links.Options.HeldBytesPerNode + (1024 * 1024);

    /// <summary>Largest frame accepted: a stanza at the stream limit plus its addressing.</summary>
    internal int MaxFrameBytes { get; }

    /// <summary>Open node-link connections, both directions.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>The address actually bound (port 0 becomes the chosen port).</summary>
    public IPEndPoint? BoundEndPoint { get; private set; }

    public async Task StartAsync(IPEndPoint endPoint)
    {
        var bootstrap = new ServerBootstrap()
            .Group(_c2s.BossGroup, _c2s.WorkerGroup)
            .Channel<TcpServerSocketChannel>()
            .Option(ChannelOption.SoBacklog, 128)
            .Option(ChannelOption.SoReuseaddr, true)
            .ChildOption(ChannelOption.TcpNodelay, true)
            .ChildOption(ChannelOption.SoKeepalive, true)
            .ChildOption(ChannelOption.Allocator, PooledByteBufferAllocator.Default)
            .ChildOption(ChannelOption.WriteBufferHighWaterMark, _c2s.Options.WriteBufferHighWaterMark * 4)
            .ChildOption(ChannelOption.WriteBufferLowWaterMark, _c2s.Options.WriteBufferLowWaterMark * 4)
            .ChildHandler(new ActionChannelInitializer<ISocketChannel>(channel => InitPipeline(channel, null, 0)));
        try
        {
            _listener = await bootstrap.BindAsync(endPoint).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException || ex.InnerException is SocketException)
        {
            throw new IOException($"Cannot listen for node links on {endPoint}: {(ex.InnerException ?? ex).Message}", ex);
        }

        var local = (IPEndPoint)_listener.LocalAddress;
        BoundEndPoint = local.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(local.Address.MapToIPv4(), local.Port) : local;
    }

    /// <summary>INodeConnector: looks the node's address up and connects.</summary>
    public void Connect(NodeLink link, long attempt) => _ = ConnectAsync(link, attempt);

    private async Task ConnectAsync(NodeLink link, long attempt)
    {
        string reason;
        try
        {
            var address = _stopped ? null : await Links.AddressOf(link.NodeId).ConfigureAwait(false);
            if (address is null || !IPEndPoint.TryParse(address, out var endPoint))
            {
                reason = _stopped ? "server stopping" : $"no address for node {link.NodeId} ({address ?? "none"})";
            }
            else
            {
                await new Bootstrap()
                    .Group(_c2s.WorkerGroup)
                    .Channel<TcpSocketChannel>()
                    .Option(ChannelOption.TcpNodelay, true)
                    .Option(ChannelOption.SoKeepalive, true)
                    .Option(ChannelOption.Allocator, PooledByteBufferAllocator.Default)
                    .Option(ChannelOption.ConnectTimeout, Links.Options.ConnectTimeout)
                    .Option(ChannelOption.WriteBufferHighWaterMark, _c2s.Options.WriteBufferHighWaterMark * 4)
                    .Option(ChannelOption.WriteBufferLowWaterMark, _c2s.Options.WriteBufferLowWaterMark * 4)
                    .Handler(new ActionChannelInitializer<ISocketChannel>(channel => InitPipeline(channel, link, attempt)))
                    .ConnectAsync(endPoint).ConfigureAwait(false);
                return;
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            reason = (ex.InnerException ?? ex).Message;
        }

        link.OnConnectFailed(attempt, reason);
    }

    private void InitPipeline(ISocketChannel channel, NodeLink? link, long attempt)
    {
        if (Tls is not null)
        {
            channel.Pipeline.AddLast("tls", link is null ? Tls.CreateServerHandler() : Tls.CreateClientHandler());
        }

        channel.Pipeline.AddLast("node-link", new NodeLinkConnection(this, link, attempt));
    }

    internal void Track(NodeLinkConnection connection) => _connections.TryAdd(connection, 0);

    internal void Untrack(NodeLinkConnection connection) => _connections.TryRemove(connection, out _);

    /// <summary>Stops listening and closes every link connection, waiting up to <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        if (_listener is not null)
        {
            await _listener.CloseAsync().ConfigureAwait(false);
        }

        foreach (var connection in _connections.Keys)
        {
            connection.Shutdown();
        }

        var deadline = DateTime.UtcNow + grace;
        while (!_connections.IsEmpty && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
}
