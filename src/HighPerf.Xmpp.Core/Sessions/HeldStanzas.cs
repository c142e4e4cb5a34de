using System.Buffers;
using System.Buffers.Binary;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Core.Sessions;

/// <summary>
/// A session's stanzas that wait for the <see cref="IDeliveryGate"/>: records <c>[length:4][position:8][stanza]</c> in
/// one pooled array, in arrival order. The first record with a position that is not durable yet registers this
/// object as the gate's durability listener; the commit thread then posts it to the session's loop, which routes
/// every record whose position is durable (position 0: none needed, it only keeps its place in line) and waits
/// again at the next one. Everything runs on the session's loop except <see cref="OnDurable"/>, which only posts.
/// One object per session that ever held a stanza; its array goes back to the pool whenever the queue empties.
/// </summary>
internal sealed class HeldStanzas(XmppSession session, IDeliveryGate gate) : IDurabilityListener, ILoopWork
{
    /// <summary>More than this held at once (the store cannot commit) ends the stream instead of growing memory.</summary>
    public const int MaxBytes = 4 << 20;

    private const int HeaderBytes = sizeof(int) + sizeof(long);
    private const int InitialBytes = 4096;

    private byte[] _buffer = [];
    private int _start;
    private int _end;
    private bool _waiting;

    public bool IsEmpty => _start == _end;

    public int HeldBytes => _end - _start;

    /// <summary>Session loop. Queues a stanza behind the ones held; false when the queue would exceed <see cref="MaxBytes"/>.</summary>
    public bool Add(ReadOnlySpan<byte> stanza, long position)
    {
        var needed = HeaderBytes + stanza.Length;
        if (HeldBytes + needed > MaxBytes)
        {
            return false;
        }

        Reserve(needed);
        var span = _buffer.AsSpan(_end, needed);
        BinaryPrimitives.WriteInt32LittleEndian(span, stanza.Length);
        BinaryPrimitives.WriteInt64LittleEndian(span[sizeof(int)..], position);
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
            if (position != 0 && !gate.IsDurable(position) && gate.NotifyWhenDurable(position, this))
            {
                _waiting = true;
                return;
            }

            var stanza = _buffer.AsSpan(_start + HeaderBytes, length);
            _start += HeaderBytes + length;
            session.RouteReleased(stanza);
        }

        Release();
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
}
