using System.Net;
using DotNetty.Transport.Bootstrapping;
using DotNetty.Transport.Channels;
using DotNetty.Transport.Channels.Sockets;
using HighPerf.Xmpp.Transport.Tls;

namespace HighPerf.Xmpp.Transport.Tests.Tls;

/// <summary>A DotNetty echo server behind TLS on 127.0.0.1 (ephemeral port), one event loop.</summary>
internal sealed class LoopbackTlsServer : IAsyncDisposable
{
    private readonly MultithreadEventLoopGroup _group;
    private readonly IChannel _listener;

    private LoopbackTlsServer(MultithreadEventLoopGroup group, IChannel listener, EventRecorder recorder, TrackingAllocator allocator)
    {
        _group = group;
        _listener = listener;
        Recorder = recorder;
        Allocator = allocator;
    }

    public int Port => ((IPEndPoint)_listener.LocalAddress).Port;

    public EventRecorder Recorder { get; }

    public TrackingAllocator Allocator { get; }

    /// <summary>Every TLS handler made so far (OpenSSL engine only), to read ALPN/SNI/protocol after a handshake.</summary>
    public List<OpenSslTlsHandler> Handlers { get; } = [];

    public static async Task<LoopbackTlsServer> StartAsync(TlsServerContext context, bool directTls)
    {
        var group = new MultithreadEventLoopGroup(1);
        var recorder = new EventRecorder(echo: true);
        var allocator = new TrackingAllocator();
        LoopbackTlsServer? server = null;
        var bootstrap = new ServerBootstrap()
            .Group(group)
            .Channel<TcpServerSocketChannel>()
            .ChildOption(ChannelOption.Allocator, allocator)
            .ChildHandler(new ActionChannelInitializer<IChannel>(channel =>
            {
                var tls = context.CreateHandler(directTls);
                if (tls is OpenSslTlsHandler openSsl)
                {
                    lock (server!.Handlers)
                    {
                        server.Handlers.Add(openSsl);
                    }
                }

                channel.Pipeline.AddLast("tls", tls);
                channel.Pipeline.AddLast("echo", recorder);
            }));
        var listener = await bootstrap.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        server = new LoopbackTlsServer(group, listener, recorder, allocator);
        return server;
    }

    public OpenSslTlsHandler? LastHandler()
    {
        lock (Handlers)
        {
            return Handlers.Count == 0 ? null : Handlers[^1];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _listener.CloseAsync();
        await _group.ShutdownGracefullyAsync(TimeSpan.Zero, TimeSpan.FromSeconds(2));
    }
}
