using System.Text;
using DotNetty.Buffers;
using DotNetty.Transport.Channels;

namespace HighPerf.Xmpp.Transport.Tests.Tls;

/// <summary>
/// Plays the transport's part in STARTTLS: on &lt;starttls/&gt; it writes &lt;proceed/&gt; in plaintext, inserts the
/// TLS handler at the head of the pipeline, and re-fires any bytes that came after &lt;starttls/&gt; in the same read.
/// </summary>
internal sealed class StartTlsProbe(Func<IChannelHandler> createTls) : ChannelHandlerAdapter
{
    public static readonly byte[] StartTls = Encoding.UTF8.GetBytes("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    public static readonly byte[] Proceed = Encoding.UTF8.GetBytes("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");

    private bool _switched;

    public override void ChannelRead(IChannelHandlerContext context, object message)
    {
        var buffer = (IByteBuffer)message;
        if (_switched)
        {
            context.FireChannelRead(buffer);
            return;
        }

        Assert.True(buffer.ReadableBytes >= StartTls.Length, "test sends <starttls/> in one piece");
        var head = new byte[StartTls.Length];
        buffer.ReadBytes(head);
        Assert.Equal(StartTls, head);
        _switched = true;

        context.WriteAndFlushAsync(context.Allocator.Buffer().WriteBytes(Proceed));
        context.Channel.Pipeline.AddFirst("tls", createTls());
        if (buffer.IsReadable())
        {
            // Bytes after <starttls/> are the client's first TLS bytes: they enter at the head, through TLS.
            context.Channel.Pipeline.FireChannelRead(buffer);
        }
        else
        {
            buffer.Release();
        }
    }
}
