using DotNetty.Buffers;
using DotNetty.Common.Utilities;
using DotNetty.Transport.Channels;
using HighPerf.Xmpp.Transport.Buffers;

namespace HighPerf.Xmpp.Transport.Connections;

/// <summary>
/// The read path: each inbound buffer is tokenized in place and released at once (the tokenizer keeps only
/// an unfinished stanza's tail), so an idle connection holds no read buffer of ours.
/// </summary>
internal sealed partial class XmppConnection
{
    public override void ChannelRead(IChannelHandlerContext context, object message)
    {
        if (message is not IByteBuffer buffer)
        {
            ReferenceCountUtil.Release(message);
            return;
        }

        try
        {
            Read(buffer);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            OnSessionFault(ex);
        }
        finally
        {
            buffer.Release();
        }
    }

    private void Read(IByteBuffer buffer)
    {
        if (ByteBufferSpans.TryGetReadable(buffer, out var span))
        {
            var consumed = _session.ProcessInput(span);
            AfterInput(buffer, buffer.ReaderIndex + consumed);
            return;
        }

        // A composite buffer: feed each segment in turn.
        var offset = buffer.ReaderIndex;
        foreach (var segment in buffer.GetIoBuffers())
        {
            var consumed = _session.ProcessInput(segment);
            offset += consumed;
            if (_tlsRequested || _compressionRequested || _session.IsClosed)
            {
                break;
            }
        }

        AfterInput(buffer, offset);
    }

    /// <summary>
    /// Applies a transport switch the session asked for while reading, then hands the bytes that followed
    /// the switch point (already the peer's TLS or compressed data) to the new handler.
    /// </summary>
    private void AfterInput(IByteBuffer buffer, int switchOffset)
    {
        if (!_tlsRequested && !_compressionRequested)
        {
            return;
        }

        // What was queued so far (<proceed/> or <compressed/>) goes out unwrapped, before the switch.
        Drain();
        if (_tlsRequested)
        {
            _tlsRequested = false;
            _ctx.Channel.Pipeline.AddFirst("tls", _options.TlsHandlerFactory!(false));
            _secure = true;
        }
        else
        {
            _compressionRequested = false;
            InsertCompression();
            _compressed = true;
        }

        var rest = buffer.WriterIndex - switchOffset;
        if (rest > 0 && !_session.IsClosed)
        {
            _ctx.Channel.Pipeline.FireChannelRead(buffer.RetainedSlice(switchOffset, rest));
        }
    }

    public void StartTls() => _tlsRequested = true;

    public void StartCompression() => _compressionRequested = true;

    private void InsertCompression()
    {
        var factory = CompressionHandlers;
        if (factory is null)
        {
            return;
        }

        var (inflater, deflater) = factory();
        var pipeline = _ctx.Channel.Pipeline;
        if (pipeline.Get("tls") is not null)
        {
            pipeline.AddAfter("tls", "zlib-out", deflater);
            pipeline.AddAfter("tls", "zlib-in", inflater);
        }
        else
        {
            pipeline.AddFirst("zlib-out", deflater);
            pipeline.AddFirst("zlib-in", inflater);
        }
    }

    /// <summary>Creates the (inflate, deflate) handlers for XEP-0138; set by the compression feature.</summary>
    internal static Func<(IChannelHandler Inflater, IChannelHandler Deflater)>? CompressionHandlers { get; set; }
}
