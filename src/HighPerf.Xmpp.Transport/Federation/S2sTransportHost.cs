using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using DotNetty.Buffers;
using DotNetty.Transport.Bootstrapping;
using DotNetty.Transport.Channels;
using DotNetty.Transport.Channels.Sockets;
using HighPerf.Xmpp.Core.Federation;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Transport.Hosting;
using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Transport.Federation;

/// <summary>
/// The s2s side of the transport: listeners (STARTTLS on 5269 by default, direct TLS per XEP-0368 where configured)
/// and the connector that opens outbound links, on the c2s host's event loops.
/// </summary>
public sealed class S2sTransportHost : IRemoteConnector, IAsyncDisposable
{
    private readonly XmppTransportHost _c2s;
    private readonly RemoteResolver _resolver;
    private readonly List<IChannel> _listeners = [];
    private readonly ConcurrentDictionary<S2sConnection, byte> _connections = new();
    private bool _stopped;

    public S2sTransportHost(XmppServer server, Core.Federation.Federation federation, XmppTransportHost c2s, S2sTlsContext tls, RemoteResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(federation);
        ArgumentNullException.ThrowIfNull(c2s);
        Federation = federation;
        _c2s = c2s;
        Tls = tls;
        _resolver = resolver;
        Metrics = server.Metrics;
        Logger = server.LoggerFactory.CreateLogger("HighPerf.Xmpp.Transport.S2s");
        federation.Connector = this;
    }

    public Core.Federation.Federation Federation { get; }

    public S2sTlsContext Tls { get; }

    internal XmppMetrics Metrics { get; }

    internal ILogger Logger { get; }

    internal TransportOptions Transport => _c2s.Options;

    /// <summary>Open s2s connections, both directions.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>The addresses actually bound (port 0 becomes the chosen port), STARTTLS ones first.</summary>
    public IReadOnlyList<IPEndPoint> BoundEndPoints { get; private set; } = [];

    public async Task StartAsync(IReadOnlyList<IPEndPoint> starttls, IReadOnlyList<IPEndPoint> directTls)
    {
        ArgumentNullException.ThrowIfNull(starttls);
        ArgumentNullException.ThrowIfNull(directTls);
        var bound = new List<IPEndPoint>();
        foreach (var (endPoint, direct) in starttls.Select(e => (e, false)).Concat(directTls.Select(e => (e, true))))
        {
            var bootstrap = new ServerBootstrap()
                .Group(_c2s.BossGroup, _c2s.WorkerGroup)
                .Channel<TcpServerSocketChannel>()
                .Option(ChannelOption.SoBacklog, 1024)
                .Option(ChannelOption.SoReuseaddr, true)
                .ChildOption(ChannelOption.TcpNodelay, true)
                .ChildOption(ChannelOption.SoKeepalive, true)
                .ChildOption(ChannelOption.Allocator, PooledByteBufferAllocator.Default)
                .ChildOption(ChannelOption.WriteBufferHighWaterMark, Transport.WriteBufferHighWaterMark)
                .ChildOption(ChannelOption.WriteBufferLowWaterMark, Transport.WriteBufferLowWaterMark)
                .ChildHandler(new ActionChannelInitializer<ISocketChannel>(channel => InitAccepted(channel, direct)));
            IChannel listener;
            try
            {
                listener = await bootstrap.BindAsync(endPoint).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException || ex.InnerException is SocketException)
            {
                var reason = ex is SocketException ? ex.Message : ex.InnerException!.Message;
                throw new IOException($"Cannot listen for s2s on {endPoint} ({(direct ? "direct TLS" : "STARTTLS")}): {reason}", ex);
            }

            _listeners.Add(listener);
            var local = (IPEndPoint)listener.LocalAddress;
            if (local.Address.IsIPv4MappedToIPv6)
            {
                local = new IPEndPoint(local.Address.MapToIPv4(), local.Port);
            }

            bound.Add(local);
            S2sLog.Listening(Logger, local.ToString(), direct ? "direct TLS" : "STARTTLS");
        }

        BoundEndPoints = bound;
    }

    private void InitAccepted(ISocketChannel channel, bool directTls)
    {
        var connection = new S2sConnection(this, link: null, attempt: 0, directTls);
        if (directTls)
        {
            channel.Pipeline.AddLast("tls", Tls.CreateServerHandler(null, connection.Peer));
        }

        channel.Pipeline.AddLast("xmpp-s2s", connection);
    }

    /// <summary>IRemoteConnector: resolves and tries each target in order until one connects.</summary>
    public void Connect(OutboundLink link, long attempt) => _ = ConnectAsync(link, attempt);

    private async Task ConnectAsync(OutboundLink link, long attempt)
    {
        if (_stopped)
        {
            link.OnConnectFailed(attempt, "server stopping");
            return;
        }

        string reason;
        try
        {
            var targets = await _resolver.ResolveAsync(link.RemoteName).ConfigureAwait(false);
            reason = targets.Count == 0 ? "the domain offers no s2s service (SRV '.')" : "no address";
            foreach (var target in targets)
            {
                IPAddress[] addresses;
                try
                {
                    addresses = IPAddress.TryParse(target.Host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(target.Host).ConfigureAwait(false);
                }
                catch (SocketException ex)
                {
                    reason = $"{target.Host}: {ex.Message}";
                    continue;
                }

                foreach (var address in addresses)
                {
                    S2sLog.Connecting(Logger, link.RemoteName, address.ToString(), target.Port, target.DirectTls ? "direct TLS" : "STARTTLS");
                    try
                    {
                        await Bootstrap(link, attempt, target).ConnectAsync(new IPEndPoint(address, target.Port)).ConfigureAwait(false);
                        return;
                    }
                    catch (Exception ex) when (ex is not OutOfMemoryException)
                    {
                        reason = $"{address}:{target.Port}: {(ex.InnerException ?? ex).Message}";
                    }
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            reason = ex.Message;
        }

        link.OnConnectFailed(attempt, reason);
    }

    private Bootstrap Bootstrap(OutboundLink link, long attempt, RemoteTarget target)
        => new Bootstrap()
            .Group(_c2s.WorkerGroup)
            .Channel<TcpSocketChannel>()
            .Option(ChannelOption.TcpNodelay, true)
            .Option(ChannelOption.SoKeepalive, true)
            .Option(ChannelOption.Allocator, PooledByteBufferAllocator.Default)
            .Option(ChannelOption.ConnectTimeout, TimeSpan.FromSeconds(10))
            .Option(ChannelOption.WriteBufferHighWaterMark, Transport.WriteBufferHighWaterMark)
            .Option(ChannelOption.WriteBufferLowWaterMark, Transport.WriteBufferLowWaterMark)
            .Handler(new ActionChannelInitializer<ISocketChannel>(channel =>
            {
                var connection = new S2sConnection(this, link, attempt, target.DirectTls);
                if (target.DirectTls)
                {
                    channel.Pipeline.AddLast("tls", Tls.CreateClientHandler(link.LocalName, link.RemoteName, connection.Peer));
                }

                channel.Pipeline.AddLast("xmpp-s2s", connection);
            }));

    internal void Track(S2sConnection connection) => _connections.TryAdd(connection, 0);

    internal void Untrack(S2sConnection connection) => _connections.TryRemove(connection, out _);

    /// <summary>Stops listening and ends every s2s stream with its closing tag (RFC 6120 §4.4), waiting up to <paramref name="grace"/>.</summary>
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
