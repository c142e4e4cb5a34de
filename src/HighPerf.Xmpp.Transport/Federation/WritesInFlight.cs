using DotNetty.Buffers;
using DotNetty.Transport.Channels;
using HighPerf.Xmpp.Transport.Buffers;

namespace HighPerf.Xmpp.Transport.Federation;

/// <summary>
/// The chunks an outbound s2s connection handed to its pipeline whose socket writes have not completed yet. Each
/// keeps one extra reference, so that when a write fails (the connection dropped before the bytes reached the
/// socket) its bytes are still there to be bounced (<see cref="Sweep"/> hands them to the callback). A write that
/// completed means the bytes are in the kernel's send buffer: what happens to them after that is not knowable
/// without acknowledgements (no XEP-0198 on s2s), so they are released.
/// </summary>
/// <remarks>
/// Costs one reference count increment per chunk and one continuation per drain, registered with a cached delegate
/// on the drain's last write (writes complete in order, so when it has, so have the ones before it): no allocation
/// once the ring has grown to the number of chunks in flight. Writes complete on the connection's loop; the lock
/// covers a continuation run elsewhere.
/// </remarks>
internal sealed class WritesInFlight
{
    private readonly Lock _gate = new();
    private readonly Action<ReadOnlySpan<byte>> _onUnwritten;
    private readonly Action _sweep;
    private Entry[] _ring = new Entry[8];
    private int _head;
    private int _count;

    public WritesInFlight(Action<ReadOnlySpan<byte>> onUnwritten)
    {
        _onUnwritten = onUnwritten;
        _sweep = Sweep;
    }

    /// <summary>Chunks whose writes have not completed yet.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>Writes <paramref name="chunk"/> (the pipeline releases it) while keeping a reference of our own until
    /// the write completes.</summary>
    public Task Write(IChannelHandlerContext context, IByteBuffer chunk)
    {
        var start = chunk.ReaderIndex;
        var length = chunk.ReadableBytes;
        chunk.Retain();
        var write = context.WriteAsync(chunk);
        lock (_gate)
        {
            if (_count == _ring.Length)
            {
                var grown = new Entry[_ring.Length * 2];
                for (var i = 0; i < _count; i++)
                {
                    grown[i] = _ring[(_head + i) % _ring.Length];
                }

                _ring = grown;
                _head = 0;
            }

            _ring[(_head + _count) % _ring.Length] = new Entry(chunk, write, start, length);
            _count++;
        }

        return write;
    }

    /// <summary>Sweeps once <paramref name="last"/> (the newest write) has completed.</summary>
    public void SweepAfter(Task last)
    {
        if (last.IsCompleted)
        {
            Sweep();
            return;
        }

        last.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_sweep);
    }

    /// <summary>
    /// From the oldest write: releases the chunks whose writes succeeded, hands the bytes of the failed ones to the
    /// callback (then releases them), and stops at the first write still pending.
    /// </summary>
    public void Sweep()
    {
        while (true)
        {
            Entry entry;
            lock (_gate)
            {
                if (_count == 0 || !_ring[_head].Write.IsCompleted)
                {
                    return;
                }

                entry = _ring[_head];
                _ring[_head] = default;
                _head = (_head + 1) % _ring.Length;
                _count--;
            }

            try
            {
                if (!entry.Write.IsCompletedSuccessfully)
                {
                    entry.Chunk.SetIndex(entry.Start, entry.Start + entry.Length);
                    if (ByteBufferSpans.TryGetReadable(entry.Chunk, out var bytes))
                    {
                        _onUnwritten(bytes);
                    }
                }
            }
            finally
            {
                entry.Chunk.Release();
            }
        }
    }

    /// <summary>The connection is gone: sweeps what has completed and watches the newest write still pending.</summary>
    public void OnClosed()
    {
        Sweep();
        Task? newest = null;
        lock (_gate)
        {
            if (_count > 0)
            {
                newest = _ring[(_head + _count - 1) % _ring.Length].Write;
            }
        }

        if (newest is not null)
        {
            SweepAfter(newest);
        }
    }

    private readonly record struct Entry(IByteBuffer Chunk, Task Write, int Start, int Length);
}
