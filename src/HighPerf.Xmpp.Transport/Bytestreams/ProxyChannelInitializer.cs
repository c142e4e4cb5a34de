using DotNetty.Transport.Channels;
using DotNetty.Transport.Channels.Sockets;

namespace HighPerf.Xmpp.Transport.Bytestreams;

/// <summary>Each accepted connection gets one <see cref="ProxyConnection"/>; over the connection cap it is closed at once.</summary>
internal sealed class ProxyChannelInitializer(Socks5ProxyHost host) : ChannelInitializer<ISocketChannel>
{
    public override bool IsSharable => true;

    protected override void InitChannel(ISocketChannel channel)
    {
        if (!host.TryAdmit(channel.RemoteAddress?.ToString() ?? "?"))
        {
            channel.CloseAsync();
            return;
        }

        channel.Pipeline.AddLast("socks5", new ProxyConnection(host));
    }
}
