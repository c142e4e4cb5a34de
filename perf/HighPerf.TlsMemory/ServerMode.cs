using System.Net;
using DotNetty.Transport.Bootstrapping;
using DotNetty.Transport.Channels;
using DotNetty.Transport.Channels.Sockets;
using HighPerf.Xmpp.Transport.Tls;

namespace HighPerf.TlsMemory;

/// <summary>
/// A DotNetty listener on 127.0.0.1 with one TLS engine (or none) in front of an echo handler.
/// stdin commands: "stats" (full GC, then RSS), "trim" (malloc_trim, then RSS), "quit".
/// </summary>
internal static class ServerMode
{
    public static async Task<int> RunAsync(Options options)
    {
        var engine = options.Get("engine", "openssl");
        var tls13 = options.Get("tls", "13") == "13";
        var receive = options.Get("recv", "adaptive");
        var tlsContext = engine == "plain" ? null : CreateContext(engine, tls13, options.Get("certs", Path.GetTempPath()));

        var boss = new MultithreadEventLoopGroup(1);
        var workers = new MultithreadEventLoopGroup(Environment.ProcessorCount);
        var bootstrap = new ServerBootstrap()
            .Group(boss, workers)
            .Channel<TcpServerSocketChannel>()
            .Option(ChannelOption.SoBacklog, 4096)
            .ChildHandler(new ActionChannelInitializer<IChannel>(channel =>
            {
                if (tlsContext is not null)
                {
                    channel.Pipeline.AddLast("tls", tlsContext.CreateHandler(directTls: false));
                }

                channel.Pipeline.AddLast("echo", EchoHandler.Instance);
            }));
        if (receive.StartsWith("fixed:", StringComparison.Ordinal))
        {
            bootstrap.ChildOption(ChannelOption.RcvbufAllocator, new FixedRecvByteBufAllocator(int.Parse(receive[6..])));
        }

        var listener = await bootstrap.BindAsync(new IPEndPoint(IPAddress.Loopback, options.Int("port", 0)));
        Console.WriteLine($"READY {((IPEndPoint)listener.LocalAddress).Port} {tlsContext?.Engine.ToString() ?? "plain"}");

        string? command;
        while ((command = Console.ReadLine()) is not null && command != "quit")
        {
            if (command == "trim")
            {
                _ = ProcessStats.MallocTrim(0);
            }

            ProcessStats.FullCollect();
            Console.WriteLine($"STATS {ProcessStats.ResidentKiB()} {GC.GetTotalMemory(false) / 1024}");
        }

        await listener.CloseAsync();
        await Task.WhenAll(boss.ShutdownGracefullyAsync(TimeSpan.Zero, TimeSpan.FromSeconds(1)), workers.ShutdownGracefullyAsync(TimeSpan.Zero, TimeSpan.FromSeconds(1)));
        tlsContext?.Dispose();
        return 0;
    }

    private static TlsServerContext CreateContext(string engine, bool tls13, string certificateDirectory)
    {
        var certificate = SelfSignedCertificate.EnsureExists(certificateDirectory, "localhost");
        return TlsServerContext.Create(
            [certificate.ToFiles("localhost")],
            new TlsServerOptions { Engine = engine == "managed" ? TlsEngine.Managed : TlsEngine.OpenSsl, MaximumTls13 = tls13 });
    }
}
