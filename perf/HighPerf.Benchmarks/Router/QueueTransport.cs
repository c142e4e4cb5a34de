using DotNetty.Buffers;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Transport.Connections;

namespace HighPerf.Benchmarks.Router;

/// <summary>
/// A session transport that queues into the real <see cref="OutboundQueue"/> (pooled DotNetty chunks), as
/// <c>XmppConnection</c> does, but hands "schedule a drain" to a <see cref="DrainList"/> instead of an event loop.
/// Everything up to the socket write is the server's own code.
/// </summary>
internal sealed class QueueTransport : ISessionTransport
{
    private readonly OutboundQueue _queue;
    private readonly DrainList _drains;
    private IByteBuffer[] _taken = new IByteBuffer[4];

    public QueueTransport(IByteBufferAllocator allocator, DrainList drains)
    {
        _queue = new OutboundQueue(allocator, 512 * 1024);
        _drains = drains;
    }

    public long QueuedBytes => _queue.QueuedBytes;

    /// <summary>Units the queue refused (closed or over its bound): must stay 0 in a valid run.</summary>
    public int Rejected { get; private set; }

    public bool IsSecure => false;

    public bool CanStartTls => false;

    public bool IsCompressed => false;

    public string RemoteAddress => "127.0.0.1";

    public bool Enqueue(scoped in OutboundParts parts)
    {
        switch (_queue.Enqueue(parts))
        {
            case EnqueueResult.ScheduleDrain:
                _drains.Add(this);
                return true;
            case EnqueueResult.Queued:
                return true;
            default:
                Rejected++;
                return false;
        }
    }

    public void EnqueueAndClose(scoped in OutboundParts finalBytes) => Enqueue(finalBytes);

    public void StartTls() => throw new NotSupportedException();

    public void StartCompression() => throw new NotSupportedException();

    public void Schedule(TimeSpan delay, Action<object?> work, object? state) => throw new NotSupportedException("No timers in the router benchmark.");

    /// <summary>Work posted to "the loop" (held stanzas released after an archive commit) waits in <see cref="Posts"/>
    /// for the benchmark thread; refused when the benchmark gave no list.</summary>
    public PostList? Posts { get; init; }

    public void Post(ILoopWork work) => (Posts ?? throw new NotSupportedException("No posted work in this benchmark.")).Add(work);

    /// <summary>What the recipient's loop does in a drain, minus the socket write: take the chunks and release them.
    /// Returns the bytes drained.</summary>
    public int Drain()
    {
        var count = _queue.TakeAll(ref _taken);
        var bytes = 0;
        for (var i = 0; i < count; i++)
        {
            bytes += _taken[i].ReadableBytes;
            _taken[i].Release();
            _taken[i] = null!;
        }

        return bytes;
    }
}
