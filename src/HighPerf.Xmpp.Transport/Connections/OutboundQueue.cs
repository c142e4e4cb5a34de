using DotNetty.Buffers;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Transport.Buffers;
using HighPerf.Xmpp.Transport.Compression;

namespace HighPerf.Xmpp.Transport.Connections;

/// <summary>
/// A connection's multi-producer outbound queue. Any thread appends (a routed stanza is copied once, here,
/// straight into a pooled chunk); only the connection's event loop takes the chunks out to write them,
/// so a delivery from another loop costs no Task, promise or closure. Nothing is held while idle: the
/// chunks leave with each drain.
/// </summary>
internal sealed class OutboundQueue
{
    /// <summary>Chunk size for small stanzas: big enough for a burst, small enough to waste little when a
    /// single stanza is sent.</summary>
    private const int ChunkBytes = 4096;

    private readonly Lock _gate = new();
    private readonly IByteBufferAllocator _allocator;
    private readonly long _limitBytes;
    private IByteBuffer[] _chunks = new IByteBuffer[4];
    private bool[] _newSender = new bool[4];
    private SenderTracker? _senders;
    private int _count;
    private long _queuedBytes;
    private bool _drainScheduled;
    private bool _closed;

    public OutboundQueue(IByteBufferAllocator allocator, long limitBytes)
    {
        _allocator = allocator;
        _limitBytes = limitBytes;
    }

    public long QueuedBytes => Volatile.Read(ref _queuedBytes);

    /// <summary>
    /// Appends the parts as one unit. Returns <see cref="EnqueueResult.Rejected"/> when closed or when the
    /// bound would be exceeded (unless <paramref name="ignoreBound"/>). The bound limits what piles up behind a
    /// reader, so a unit into an empty queue always fits: a reply the server built (a large roster) may be bigger
    /// than the bound and is not a sign of a slow reader. <see cref="EnqueueResult.ScheduleDrain"/>
    /// when the caller must schedule a drain (none was pending).
    /// </summary>
    public EnqueueResult Enqueue(scoped in OutboundParts parts, bool ignoreBound = false)
    {
        var length = parts.Length;
        lock (_gate)
        {
            if (_closed || (!ignoreBound && _queuedBytes > 0 && _queuedBytes + length > _limitBytes))
            {
                return EnqueueResult.Rejected;
            }

            var newSender = _senders is not null && _senders.IsNewSender(parts);
            var chunk = _count > 0 ? _chunks[_count - 1] : null;
            if (chunk is null || chunk.WritableBytes < length || newSender)
            {
                chunk = _allocator.Buffer(Math.Max(ChunkBytes, length));
                Add(chunk, newSender);
            }

            parts.CopyTo(ByteBufferSpans.GetWritable(chunk, length));
            chunk.SetWriterIndex(chunk.WriterIndex + length);
            _queuedBytes += length;
            if (_drainScheduled)
            {
                return EnqueueResult.Queued;
            }

            _drainScheduled = true;
            return EnqueueResult.ScheduleDrain;
        }
    }

    /// <summary>Event loop only: moves every queued chunk into <paramref name="taken"/> (reused by the caller).</summary>
    public int TakeAll(ref IByteBuffer[] taken)
    {
        bool[]? none = null;
        return TakeAll(ref taken, ref none);
    }

    /// <summary>
    /// As <see cref="TakeAll(ref IByteBuffer[])"/>, also telling for each chunk whether it starts another sender's
    /// data (only once <see cref="TrackSenders"/> was called).
    /// </summary>
    public int TakeAll(ref IByteBuffer[] taken, ref bool[]? newSender)
    {
        lock (_gate)
        {
            if (newSender is not null)
            {
                if (newSender.Length < _count)
                {
                    newSender = new bool[_newSender.Length];
                }

                Array.Copy(_newSender, newSender, _count);
                Array.Clear(_newSender, 0, _count);
            }

            _drainScheduled = false;
            var count = _count;
            if (taken.Length < count)
            {
                taken = new IByteBuffer[_chunks.Length];
            }

            Array.Copy(_chunks, taken, count);
            Array.Clear(_chunks, 0, count);
            _count = 0;
            _queuedBytes = 0;
            return count;
        }
    }

    /// <summary>
    /// Event loop only, when XEP-0138 compression starts: from now on a unit from a different sender than the one
    /// before it starts a new chunk marked as such, so that the deflater can reset its dictionary there.
    /// </summary>
    public void TrackSenders()
    {
        lock (_gate)
        {
            _senders ??= new SenderTracker();
        }
    }

    /// <summary>Leaves a drain pending (the channel is not writable): the next writability change drains.</summary>
    public void MarkDrainDeferred()
    {
        lock (_gate)
        {
            _drainScheduled = false;
        }
    }

    /// <summary>
    /// Refuses further data and moves what is queued into <paramref name="taken"/> (the caller releases it), in one
    /// step so that nothing enqueued meanwhile is lost: for a connection that answers for unwritten data (s2s bounces).
    /// </summary>
    public int CloseAndTakeAll(ref IByteBuffer[] taken)
    {
        lock (_gate)
        {
            _closed = true;
            return TakeAll(ref taken);
        }
    }

    /// <summary>Refuses further data and releases what is queued.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            for (var i = 0; i < _count; i++)
            {
                _chunks[i].Release();
                _chunks[i] = null!;
            }

            _count = 0;
            _queuedBytes = 0;
        }
    }

    private void Add(IByteBuffer chunk, bool newSender)
    {
        if (_count == _chunks.Length)
        {
            Array.Resize(ref _chunks, _chunks.Length * 2);
            Array.Resize(ref _newSender, _chunks.Length);
        }

        _newSender[_count] = newSender;
        _chunks[_count++] = chunk;
    }
}
