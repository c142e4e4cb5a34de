using System.Collections.Concurrent;
using DotNetty.Buffers;
using DotNetty.Handlers.Tls;
using DotNetty.Transport.Channels;

namespace HighPerf.Xmpp.Transport.Tests.Tls;

/// <summary>Sits behind the TLS handler: records handshake events and either collects plaintext or echoes it.</summary>
internal sealed class EventRecorder(bool echo) : ChannelHandlerAdapter
{
    public ConcurrentQueue<TlsHandshakeCompletionEvent> Handshakes { get; } = new();

    public ConcurrentQueue<Exception> Exceptions { get; } = new();

    public override bool IsSharable => true;

    public override void UserEventTriggered(IChannelHandlerContext context, object evt)
    {
        if (evt is TlsHandshakeCompletionEvent handshake)
        {
            Handshakes.Enqueue(handshake);
        }

        context.FireUserEventTriggered(evt);
    }

    public override void ChannelRead(IChannelHandlerContext context, object message)
    {
        if (echo && message is IByteBuffer)
        {
            context.WriteAndFlushAsync(message);
            return;
        }

        context.FireChannelRead(message);
    }

    public override void ExceptionCaught(IChannelHandlerContext context, Exception exception)
    {
        Exceptions.Enqueue(exception);
        context.CloseAsync();
    }
}
