using DotNetty.Transport.Channels;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Transport.Hosting;

namespace HighPerf.Xmpp.Transport.Connections;

/// <summary>
/// The write path: producers append to the queue from any thread; the connection's loop drains it with one
/// write per chunk and one flush per drain.
/// </summary>
internal sealed partial class XmppConnection
{
    public bool Enqueue(scoped in OutboundParts parts)
    {
        var queue = _queue;
        if (queue is null || _closeAfterDrain)
        {
            return false;
        }

        switch (queue.Enqueue(parts))
        {
            case EnqueueResult.ScheduleDrain:
                _ctx.Executor.Execute(this);
                return true;
            case EnqueueResult.Queued:
                return true;
            default:
                if (!_closeAfterDrain && !_closing)
                {
                    // A reader that stopped reading: bounded memory wins over its pending data.
                    _closeReason ??= "slow-reader";
                    _metrics.SlowReaders.Add(1);
                    TransportLog.SlowReader(_logger, _remote, _options.OutboundQueueLimitBytes);
                    EnqueueAndClose(new OutboundParts(StreamErrors.Get(StreamErrorCondition.PolicyViolation)));
                }

                return false;
        }
    }

    public void EnqueueAndClose(scoped in OutboundParts finalBytes)
    {
        var queue = _queue;
        if (queue is null || _closeAfterDrain)
        {
            return;
        }

        queue.Enqueue(finalBytes, ignoreBound: true);
        _closeAfterDrain = true;
        _ctx.Executor.Execute(this);
    }

    /// <summary>IRunnable: the scheduled drain, on the connection's loop.</summary>
    public void Run() => Drain();

    private void Drain()
    {
        if (_closing)
        {
            return;
        }

        var closing = _closeAfterDrain;
        if (!closing && !_ctx.Channel.IsWritable)
        {
            _queue.MarkDrainDeferred();
            return;
        }

        var count = _queue.TakeAll(ref _taken, ref _takenNewSender);
        Task? last = null;
        long bytes = 0;
        for (var i = 0; i < count; i++)
        {
            bytes += _taken[i].ReadableBytes;
            if (_takenNewSender?[i] == true)
            {
                // XEP-0138: another sender's data starts here; it must not share compression history (CRIME).
                _deflater?.FullFlushBeforeNextWrite();
            }

            last = _ctx.WriteAsync(_taken[i]);
            _taken[i] = null!;
        }

        if (count > 0)
        {
            _ctx.Flush();
            _metrics.BytesOut.Add(bytes);
        }

        if (closing)
        {
            CloseAfter(last);
        }
    }

    private void CloseAfter(Task? lastWrite)
    {
        _closing = true;
        _queue.Close();
        var context = _ctx;
        if (lastWrite is null || lastWrite.IsCompleted)
        {
            context.CloseAsync();
            return;
        }

        // Close once the final bytes (a stream error, the closing tag) are on the wire, but never wait
        // longer than the close timeout for a peer that does not read.
        lastWrite.ContinueWith(static (_, state) => ((IChannelHandlerContext)state!).CloseAsync(), context, TaskScheduler.Default);
        context.Executor.Schedule(static state => ((IChannelHandlerContext)state).CloseAsync(), context, _options.CloseTimeout);
    }
}
