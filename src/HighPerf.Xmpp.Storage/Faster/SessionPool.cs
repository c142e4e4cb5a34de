using FASTER.core;

namespace HighPerf.Xmpp.Storage.Faster;

/// <summary>
/// Lends FASTER sessions, one operation at a time. Chosen over [ThreadStatic] sessions because callers are
/// DotNetty event loops (a few long-lived threads) and async continuations (any pool thread): a pool keeps
/// the number of sessions at the peak concurrency instead of one per thread that ever touched the store,
/// can dispose every session on shutdown, and works for several stores in one process (tests). Renting is a
/// lock-free slot scan that allocates nothing once warm; a new session is created only when all are busy.
/// </summary>
internal sealed class SessionPool : IDisposable
{
    private readonly FasterKV<SpanByte, SpanByte> _kv;
    private readonly int _maxEntryBytes;
    private readonly StoreSession?[] _slots;
    private int _rented;
    private volatile bool _closed;

    public SessionPool(FasterKV<SpanByte, SpanByte> kv, int maxEntryBytes)
    {
        _kv = kv;
        _maxEntryBytes = maxEntryBytes;
        _slots = new StoreSession?[Math.Max(16, Environment.ProcessorCount * 4)];
    }

    public StoreSession Rent()
    {
        // Count first, then check: Close() sets the flag, then waits for the count to reach zero, so a rent that
        // passes the check is always waited for.
        Interlocked.Increment(ref _rented);
        if (_closed)
        {
            Interlocked.Decrement(ref _rented);
            Throw.Disposed();
        }

        var start = Environment.CurrentManagedThreadId;
        for (var i = 0; i < _slots.Length; i++)
        {
            var session = Interlocked.Exchange(ref _slots[(start + i) % _slots.Length], null);
            if (session is not null)
            {
                session.Batch.Reset();
                return session;
            }
        }

        return new StoreSession(_kv, _maxEntryBytes);
    }

    public void Return(StoreSession session)
    {
        var start = Environment.CurrentManagedThreadId;
        var kept = false;
        for (var i = 0; i < _slots.Length && !kept; i++)
            kept = Interlocked.CompareExchange(ref _slots[(start + i) % _slots.Length], session, null) is null;
        if (!kept)
            session.Dispose();
        Interlocked.Decrement(ref _rented);
    }

    /// <summary>Refuses new rentals and waits (bounded) for the ones in use to come back.</summary>
    public bool Close(TimeSpan timeout)
    {
        _closed = true;
        return SpinWait.SpinUntil(() => Volatile.Read(ref _rented) == 0, timeout);
    }

    public void Dispose()
    {
        _closed = true;
        for (var i = 0; i < _slots.Length; i++)
            Interlocked.Exchange(ref _slots[i], null)?.Dispose();
    }
}
