using DotNetty.Transport.Channels;
using DotNetty.Transport.Channels.Sockets;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Transport.Compression;
using HighPerf.Xmpp.Transport.Connections;
using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Transport.Hosting;

/// <summary>Builds each accepted connection's pipeline: [tls (direct TLS only)] → connection.</summary>
internal sealed class XmppChannelInitializer : ChannelInitializer<ISocketChannel>
{
    private readonly XmppServer _server;
    private readonly TransportOptions _options;
    private readonly ILogger _logger;
    private readonly ListenerInfo _listener;
    private readonly ConnectionSet _connections;

    public XmppChannelInitializer(XmppServer server, TransportOptions options, ILogger logger, ListenerInfo listener, ConnectionSet connections)
    {
        _server = server;
        _options = options;
        _logger = logger;
        _listener = listener;
        _connections = connections;
    }

    public override bool IsSharable => true;

    /// <summary>Set when the listener offers XEP-0138 compression.</summary>
    public CompressionOptions? Compression { get; init; }

    protected override void InitChannel(ISocketChannel channel)
    {
        var pipeline = channel.Pipeline;
        if (_listener.DirectTls)
        {
            pipeline.AddLast("tls", _options.TlsHandlerFactory!(true));
        }

        pipeline.AddLast("xmpp", new XmppConnection(_server, _options, _logger, _listener, _connections) { Compression = Compression });
    }
}
