using System.Buffers;
using System.Buffers.Binary;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Core.Sessions;

/// <summary>
/// A session's stanzas that wait for the <see cref="IDeliveryGate"/>: records <c>[length:4][position:8][read at:8][stanza]</c> in
/// one pooled array, in arrival order. The first record with a position that is not durable yet registers this
/// object as the gate's durability listener; the commit thread then posts it to the session's loop, which routes
/// every record whose position is durable (position 0: none needed, it only keeps its place in line) and waits
/// again at the next one. Everything runs on the session's loop except <see cref="OnDurable"/>, which only posts.
/// One object per session that ever held a stanza; its array goes back to the pool whenever the queue empties.
/// </summary>
internal sealed class HeldStanzas(XmppSession session, IDeliveryGate gate) : IDurabilityListener, ILoopWork
{
    /// <summary>Most bytes held at once: beyond it the session's loop waits for the commit (back-pressure on a sender
    /// faster than the disk) instead of growing memory.</summary>
    public const int MaxBytes = 256 * 1024;

    /// <summary>Longest such a wait before the stream is closed (the store has stopped committing).</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    private const int HeaderBytes = sizeof(int) + sizeof(long) + sizeof(long);
    private const int InitialBytes = 4096;

    private byte[] _buffer = [];
    private int _start;
    private int _end;
    private bool _waiting;
    private SyncWaiter? _waiter;

    public bool IsEmpty => _start == _end;

    public int HeldBytes => _end - _start;

    /// <summary>Session loop. Queues a stanza behind the ones held (<paramref name="readAt"/>: its routing-latency
    /// timestamp, or 0). False when the queue stays over <see cref="MaxBytes"/> even after waiting <see cref="MaxWait"/>.</summary>
    public bool Add(ReadOnlySpan<byte> stanza, long position, long readAt)
    {
        var needed = HeaderBytes + stanza.Length;
        if (HeldBytes + needed > MaxBytes && !WaitAndRelease())
        {
            return false;
        }

        Reserve(needed);
        var span = _buffer.AsSpan(_end, needed);
        BinaryPrimitives.WriteInt32LittleEndian(span, stanza.Length);
        BinaryPrimitives.WriteInt64LittleEndian(span[sizeof(int)..], position);
        BinaryPrimitives.WriteInt64LittleEndian(span[(sizeof(int) + sizeof(long))..], readAt);
        stanza.CopyTo(span[HeaderBytes..]);
        _end += needed;
        if (position != 0 && !_waiting)
        {
            _waiting = true;
            if (!gate.NotifyWhenDurable(position, this))
            {
                session.Transport.Post(this);
            }
        }

        return true;
    }

    /// <summary>Commit thread: hands the release to the session's loop.</summary>
    public void OnDurable() => session.Transport.Post(this);

    /// <summary>Session loop: routes the records whose positions are durable, in order.</summary>
    public void RunOnLoop()
    {
        _waiting = false;
        while (!IsEmpty)
        {
            var header = _buffer.AsSpan(_start, HeaderBytes);
            var length = BinaryPrimitives.ReadInt32LittleEndian(header);
            var position = BinaryPrimitives.ReadInt64LittleEndian(header[sizeof(int)..]);
            var readAt = BinaryPrimitives.ReadInt64LittleEndian(header[(sizeof(int) + sizeof(long))..]);
            if (position != 0 && !gate.IsDurable(position) && gate.NotifyWhenDurable(position, this))
            {
                _waiting = true;
                return;
            }

            var stanza = _buffer.AsSpan(_start + HeaderBytes, length);
            _start += HeaderBytes + length;
            session.RouteReleased(stanza, readAt);
        }

        Release();
    }

    // Cold: the sender is faster than the archive commits. Blocks the loop until the newest held position is
    // durable (told by the commit thread itself, so no thread-pool thread is needed to wake it), then routes
    // everything; a listener registered before stays harmless (it posts a release of an empty queue).
    private bool WaitAndRelease()
    {
        var newest = NewestPosition();
        if (newest != 0 && !gate.IsDurable(newest))
        {
            var waiter = _waiter ??= new SyncWaiter();
            waiter.Reset();
            if (gate.NotifyWhenDurable(newest, waiter) && !waiter.Wait(MaxWait))
            {
                return false;
            }
        }

        RunOnLoop();
        return true;
    }

    private long NewestPosition()
    {
        long newest = 0;
        for (var at = _start; at < _end;)
        {
            var header = _buffer.AsSpan(at, HeaderBytes);
            newest = Math.Max(newest, BinaryPrimitives.ReadInt64LittleEndian(header[sizeof(int)..]));
            at += HeaderBytes + BinaryPrimitives.ReadInt32LittleEndian(header);
        }

        return newest;
    }

    private void Reserve(int needed)
    {
        if (_buffer.Length - _end >= needed)
        {
            return;
        }

        var held = HeldBytes;
        if (_buffer.Length >= held + needed && _start > 0)
        {
            _buffer.AsSpan(_start, held).CopyTo(_buffer);
        }
        else
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(InitialBytes, Math.Max(_buffer.Length * 2, held + needed)));
            _buffer.AsSpan(_start, held).CopyTo(bigger);
            if (_buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
            }

            _buffer = bigger;
        }

        _start = 0;
        _end = held;
    }

    private void Release()
    {
        _start = _end = 0;
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private sealed class SyncWaiter : IDurabilityListener
    {
        private readonly object _gate = new();
        private bool _done;

        public void OnDurable()
        {
            lock (_gate)
            {
                _done = true;
                Monitor.PulseAll(_gate);
            }
        }

        public void Reset()
        {
            lock (_gate)
            {
                _done = false;
            }
        }

        public bool Wait(TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            lock (_gate)
            {
                while (!_done)
                {
                    var left = deadline - DateTime.UtcNow;
                    if (left <= TimeSpan.Zero || !Monitor.Wait(_gate, left) && !_done)
                    {
                        return _done;
                    }
                }

                return true;
            }
        }
    }
}
