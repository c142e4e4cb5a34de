using System.Diagnostics.CodeAnalysis;
using DotNetty.Buffers;
using DotNetty.Transport.Channels;
using HighPerf.Xmpp.Transport.Buffers;

namespace HighPerf.Xmpp.Transport.Compression;

/// <summary>
/// XEP-0138 outbound: compresses each written buffer into pooled output buffers (releasing the input at once) and,
/// on flush, which the connection does once per drained batch, ends the batch with a sync flush so the peer can
/// decode everything it received. Before a buffer that starts a different sender's data the connection calls
/// <see cref="FullFlushBeforeNextWrite"/>, and the dictionary is reset (see <see cref="SenderTracker"/>).
/// Handler methods stay public overrides: DotNetty decides which to call by reflecting over them.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "The zlib state is freed in HandlerRemoved, which DotNetty calls when the pipeline is destroyed; its SafeHandle is the fallback.")]
internal sealed class ZlibDeflateHandler : ChannelHandlerAdapter
{
    /// <summary>Below this much room an output buffer is sent on rather than filled in tiny steps.</summary>
    private const int MinOutputRoom = 64;

    private readonly ZlibDeflater _deflater;
    private readonly int _chunkBytes;
    private IByteBuffer? _output;
    private Task? _lastWrite;
    private bool _fullFlushPending;
    private bool _closeRequested;
    private bool _disposed;

    public ZlibDeflateHandler(CompressionOptions options)
    {
        _deflater = new ZlibDeflater(options.Level, options.WindowBits, options.MemLevel);
        _chunkBytes = options.DeflateChunkBytes;
    }

    /// <summary>Event loop only: the next buffer written starts another sender's data.</summary>
    public void FullFlushBeforeNextWrite() => _fullFlushPending = true;

    public override Task WriteAsync(IChannelHandlerContext context, object message)
    {
        if (message is not IByteBuffer input)
        {
            return context.WriteAsync(message);
        }

        try
        {
            if (_fullFlushPending)
            {
                _fullFlushPending = false;
                Deflate(context, default, DeflateFlush.Full);
            }

            if (ByteBufferSpans.TryGetReadable(input, out var span))
            {
                Deflate(context, span, DeflateFlush.None);
            }
            else
            {
                foreach (var segment in input.GetIoBuffers())
                {
                    Deflate(context, segment, DeflateFlush.None);
                }
            }
        }
        catch (Exception exception) when (exception is InvalidOperationException or ObjectDisposedException)
        {
            return Task.FromException(exception);
        }
        finally
        {
            input.Release();
        }

        // The bytes are in the compressor; they reach the socket with the batch's flush (see CloseAsync).
        return Task.CompletedTask;
    }

    public override void Flush(IChannelHandlerContext context)
    {
        if (!_disposed)
        {
            Deflate(context, default, DeflateFlush.Sync);
            SendOutput(context);
            if (_output is not null)
            {
                // An idle connection holds no buffer of ours.
                _output.Release();
                _output = null;
            }
        }

        context.Flush();
    }

    /// <summary>
    /// A close right after the last batch (a stream error) waits for that batch's compressed bytes, as the
    /// connection waits for its own last write when uncompressed; a second close (the connection's timeout for a
    /// peer that does not read) goes through at once.
    /// </summary>
    public override Task CloseAsync(IChannelHandlerContext context)
    {
        var last = _lastWrite;
        if (_closeRequested || last is null || last.IsCompleted)
        {
            return context.CloseAsync();
        }

        _closeRequested = true;
        return last.ContinueWith(
            static (_, state) => ((IChannelHandlerContext)state!).CloseAsync(),
            context,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default).Unwrap();
    }

    public override void HandlerRemoved(IChannelHandlerContext context)
    {
        _disposed = true;
        _output?.Release();
        _output = null;
        _deflater.Dispose();
    }

    private void Deflate(IChannelHandlerContext context, ReadOnlySpan<byte> input, DeflateFlush flush)
    {
        while (true)
        {
            var output = _output ??= context.Allocator.Buffer(_chunkBytes);
            if (output.WritableBytes < MinOutputRoom)
            {
                SendOutput(context);
                continue;
            }

            var room = ByteBufferSpans.GetWritable(output, output.WritableBytes);
            var complete = _deflater.Compress(input, room, flush, out var consumed, out var written);
            output.SetWriterIndex(output.WriterIndex + written);
            input = input[consumed..];
            if (complete)
            {
                return;
            }

            SendOutput(context);
        }
    }

    private void SendOutput(IChannelHandlerContext context)
    {
        if (_output is { ReadableBytes: > 0 } output)
        {
            _output = null;
            _lastWrite = context.WriteAsync(output);
        }
    }
}
