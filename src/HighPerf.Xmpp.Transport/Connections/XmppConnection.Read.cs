using DotNetty.Buffers;
using DotNetty.Common.Utilities;
using DotNetty.Transport.Channels;
using HighPerf.Xmpp.Transport.Buffers;
using HighPerf.Xmpp.Transport.Compression;

namespace HighPerf.Xmpp.Transport.Connections;

/// <summary>
/// The read path: each inbound buffer is tokenized in place and released at once (the tokenizer keeps only
/// an unfinished stanza's tail), so an idle connection holds no read buffer of ours.
/// </summary>
internal sealed partial class XmppConnection
{
    public override void ChannelRead(IChannelHandlerContext context, object message)
    {
        if (message is not IByteBuffer buffer || _refused)
        {
            ReferenceCountUtil.Release(message);
            return;
        }

        // Held while the session reads: a XEP-0198 resume on another loop (Abandon) waits for this read to end.
        _sessionGate.Enter();
        try
        {
            if (_abandoned)
            {
                return; // the session lives on another connection now
            }

            var length = buffer.ReadableBytes;
            _metrics.BytesIn.Add(length);
            Read(buffer);
            if (_options.InboundBytesPerSecond > 0)
            {
                Throttle(length);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            OnSessionFault(ex);
        }
        finally
        {
            _sessionGate.Exit();
            buffer.Release();
        }
    }

    private void Read(IByteBuffer buffer)
    {
        if (ByteBufferSpans.TryGetReadable(buffer, out var span))
        {
            var consumed = Feed(span);
            AfterInput(buffer, buffer.ReaderIndex + consumed);
            return;
        }

        // A composite buffer: feed each segment in turn.
        var offset = buffer.ReaderIndex;
        foreach (var segment in buffer.GetIoBuffers())
        {
            var consumed = Feed(segment);
            offset += consumed;
            if (_tlsRequested || _compressionRequested || _session.IsClosed)
            {
                break;
            }
        }

        AfterInput(buffer, offset);
    }

    /// <summary>
    /// Feeds the session; when it handed the stream to a resumed session (XEP-0198 &lt;resume/&gt;), the rest of
    /// the input goes to that one.
    /// </summary>
    private int Feed(ReadOnlySpan<byte> input)
    {
        var session = _session;
        var consumed = session.ProcessInput(input);
        while (consumed < input.Length && !ReferenceEquals(session, _session) && !_tlsRequested && !_compressionRequested)
        {
            session = _session;
            consumed += session.ProcessInput(input[consumed..]);
        }

        return consumed;
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
        var compressionStarted = !_tlsRequested;
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
            if (compressionStarted && _inflater is { } inflater)
            {
                // These bytes already came out of TLS: they go to the inflater, not through the pipeline's head.
                inflater.ChannelRead(_ctx.Channel.Pipeline.Context(inflater), buffer.RetainedSlice(switchOffset, rest));
            }
            else
            {
                _ctx.Channel.Pipeline.FireChannelRead(buffer.RetainedSlice(switchOffset, rest));
            }
        }
    }

    public void StartTls() => _tlsRequested = true;

    public void StartCompression() => _compressionRequested = true;

    /// <summary>
    /// XEP-0138: zlib-in and zlib-out between tls (if any) and this handler. From here on the queue marks where the
    /// sender changes, and the drain has the deflater reset its dictionary there (see SenderTracker).
    /// </summary>
    private void InsertCompression()
    {
        var (inflater, deflater) = ZlibHandlers.Create(Compression!, _session, _server.Options.XmlLimits.MaxStanzaBytes);
        _inflater = inflater;
        _deflater = deflater;
        _takenNewSender = new bool[_taken.Length];
        _queue.TrackSenders();
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
}
