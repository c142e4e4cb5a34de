using System.Diagnostics;
using DotNetty.Buffers;
using DotNetty.Common.Utilities;
using DotNetty.Transport.Channels;

namespace HighPerf.Xmpp.Transport.Bytestreams;

/// <summary>
/// One client connection to the SOCKS5 relay, from accept to close: the RFC 1928 handshake, then waiting (not
/// reading) until the initiator activates the bytestream over XMPP, then relaying what it reads to the other side.
/// All of its state changes on its own event loop, except <see cref="Activate"/> and the peer's resume requests,
/// which are handed to that loop.
/// </summary>
internal sealed partial class ProxyConnection : ChannelHandlerAdapter
{
    private readonly Socks5ProxyHost _host;
    private IChannelHandlerContext _ctx = null!;
    private ConnectionStage _stage;
    private long _lastActivity = Stopwatch.GetTimestamp();

    public ProxyConnection(Socks5ProxyHost host)
    {
        _host = host;
    }

    public IChannel Channel => _ctx.Channel;

    /// <summary>The bytestream this connection joined (after its request).</summary>
    public Bytestream? Stream { get; private set; }

    /// <summary>When a byte last moved for this connection: its own before it joins a bytestream, the bytestream's after.</summary>
    public long LastActivity => Stream?.LastActivity ?? Volatile.Read(ref _lastActivity);

    public string Remote { get; private set; } = "?";

    public override void HandlerAdded(IChannelHandlerContext context)
    {
        _ctx = context;
        Remote = context.Channel.RemoteAddress?.ToString() ?? "?";
    }

    public override void ChannelActive(IChannelHandlerContext context)
    {
        _host.Opened(this);
        context.FireChannelActive();
    }

    public override void ChannelRead(IChannelHandlerContext context, object message)
    {
        if (message is not IByteBuffer buffer)
        {
            ReferenceCountUtil.Release(message);
            return;
        }

        switch (_stage)
        {
            case ConnectionStage.Greeting:
            case ConnectionStage.Request:
                Handshake(buffer);
                break;
            case ConnectionStage.Waiting:
                HoldEarly(buffer);
                break;
            case ConnectionStage.Relaying:
                Relay(buffer);
                break;
            default:
                buffer.Release();
                break;
        }
    }

    public override void ChannelReadComplete(IChannelHandlerContext context)
    {
        if (_unflushed)
        {
            _unflushed = false;
            Stream?.PeerOf(this)?.Channel.Flush();
        }
    }

    public override void ChannelWritabilityChanged(IChannelHandlerContext context)
    {
        if (context.Channel.IsWritable)
        {
            Stream?.PeerOf(this)?.ResumeFromPeer();
        }

        context.FireChannelWritabilityChanged();
    }

    public override void ChannelInactive(IChannelHandlerContext context)
    {
        _stage = ConnectionStage.Closed;
        ReleaseHandshakeBuffer();
        ReleaseEarly();
        _resumeTimer?.Cancel();
        _host.Closed(this);
        context.FireChannelInactive();
    }

    public override void ExceptionCaught(IChannelHandlerContext context, Exception exception)
    {
        ProxyLog.ConnectionFailed(_host.Logger, Remote, exception.Message);
        context.CloseAsync();
    }

    /// <summary>Closes this connection once everything already written to it went out (the other side ended).</summary>
    public void CloseAfterFlush()
    {
        var channel = _ctx.Channel;
        if (channel.Active)
        {
            channel.WriteAndFlushAsync(Unpooled.Empty).ContinueWith(static (_, state) => ((IChannel)state!).CloseAsync(), channel, TaskScheduler.Default);
        }
    }

    public void Close() => _ctx.Channel.CloseAsync();

    private void TouchOwn() => Volatile.Write(ref _lastActivity, Stopwatch.GetTimestamp());

    private enum ConnectionStage : byte
    {
        Greeting,
        Request,
        Waiting,
        Relaying,
        Closed,
    }
}
