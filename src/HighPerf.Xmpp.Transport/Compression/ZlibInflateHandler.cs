using System.Diagnostics.CodeAnalysis;
using DotNetty.Buffers;
using DotNetty.Transport.Channels;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Transport.Buffers;

namespace HighPerf.Xmpp.Transport.Compression;

/// <summary>
/// XEP-0138 inbound: inflates each read into pooled chunks of <see cref="CompressionOptions.InflateChunkBytes"/>
/// and passes each on as soon as it is full, so one read never holds more than a chunk of inflated data before the
/// XML decoder has seen it; the decoder counts inflated bytes against the stanza limit like any others. A read
/// that inflates past <see cref="CompressionOptions.InflateLimit"/> (a decompression bomb) closes the stream with
/// policy-violation; data that is not zlib closes it with undefined-condition (XEP-0138 §7 processing failure).
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "The zlib state is freed in HandlerRemoved, which DotNetty calls when the pipeline is destroyed; its SafeHandle is the fallback.")]
internal sealed class ZlibInflateHandler : ChannelHandlerAdapter
{
    private readonly ZlibInflater _inflater = new();
    private XmppSession? _session;
    private readonly CompressionOptions _options;
    private readonly int _maxStanzaBytes;
    private bool _stopped;

    /// <summary>The session fed through this connection; a XEP-0198 resume replaces it.</summary>
    internal XmppSession? Session
    {
        get => _session;
        set => _session = value;
    }

    /// <param name="session">The session the inflated bytes go to, told to close on a failure; null only in
    /// benchmarks, which read <see cref="Failure"/> instead.</param>
    public ZlibInflateHandler(CompressionOptions options, XmppSession? session, int maxStanzaBytes)
    {
        _options = options;
        _session = session;
        _maxStanzaBytes = maxStanzaBytes;
    }

    /// <summary>Bytes inflated by the read in progress.</summary>
    internal long InflatedThisRead { get; private set; }

    /// <summary>Why inflating stopped, if it did.</summary>
    internal StreamErrorCondition? Failure { get; private set; }

    public override void ChannelRead(IChannelHandlerContext context, object message)
    {
        if (message is not IByteBuffer input)
        {
            context.FireChannelRead(message);
            return;
        }

        try
        {
            if (_stopped)
            {
                return;
            }

            InflatedThisRead = 0;
            var limit = _options.InflateLimit(input.ReadableBytes, _maxStanzaBytes);
            if (ByteBufferSpans.TryGetReadable(input, out var span))
            {
                Inflate(context, span, limit);
            }
            else
            {
                foreach (var segment in input.GetIoBuffers())
                {
                    if (!Inflate(context, segment, limit))
                    {
                        break;
                    }
                }
            }
        }
        finally
        {
            input.Release();
        }
    }

    public override void HandlerRemoved(IChannelHandlerContext context)
    {
        _stopped = true;
        _inflater.Dispose();
    }

    private bool Inflate(IChannelHandlerContext context, ReadOnlySpan<byte> input, long limit)
    {
        while (true)
        {
            var output = context.Allocator.Buffer(_options.InflateChunkBytes);
            InflateResult result;
            try
            {
                var room = ByteBufferSpans.GetWritable(output, _options.InflateChunkBytes);
                result = _inflater.Decompress(input, room, out var consumed, out var written);
                input = input[consumed..];
                output.SetWriterIndex(output.WriterIndex + written);
                InflatedThisRead += written;
            }
            catch
            {
                output.Release();
                throw;
            }

            if (output.IsReadable())
            {
                context.FireChannelRead(output);
            }
            else
            {
                output.Release();
            }

            if (_session is { IsClosed: true })
            {
                // The decoder ended the stream (e.g. a stanza over the limit): the rest is not worth inflating.
                _stopped = true;
                return false;
            }

            if (result is InflateResult.Corrupt or InflateResult.StreamEnd)
            {
                Stop(StreamErrorCondition.UndefinedCondition);
                return false;
            }

            if (InflatedThisRead > limit)
            {
                Stop(StreamErrorCondition.PolicyViolation);
                return false;
            }

            if (result == InflateResult.NeedsInput)
            {
                return true;
            }
        }
    }

    private void Stop(StreamErrorCondition condition)
    {
        _stopped = true;
        Failure = condition;
        _session?.CloseWithStreamError(condition);
    }
}
