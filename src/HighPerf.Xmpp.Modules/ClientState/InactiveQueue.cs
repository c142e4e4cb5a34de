using System.Buffers;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Collections;
using HighPerf.Xmpp.Core.Sessions;

namespace HighPerf.Xmpp.Modules.ClientState;

/// <summary>
/// XEP-0352: what an inactive client is not sent yet. Installed as the session's outbound filter, it copies
/// each stanza once into a pooled buffer and classifies it (<see cref="HeldStanzaClassifier"/>): presence and
/// chat states replace the held one from the same sender; an important stanza sends everything held, in
/// order, and itself. The buffer is bounded: when full it is compacted (replaced stanzas dropped) and, if
/// still full, flushed. Flushed stanzas go to the transport one by one (XEP-0198 counts each). Thread-safe:
/// deliveries come from any loop.
/// </summary>
internal sealed class InactiveQueue : IOutboundFilter
{
    private const int InitialBytes = 4096;
    private const int InitialEntries = 32;

    private readonly Lock _gate = new();
    private readonly int _maxBytes;
    private readonly int _maxStanzas;
    private readonly byte[] _mention;
    private byte[] _buffer;
    private Entry[] _entries;
    private int _used;
    private int _count;
    private bool _closed;

    public InactiveQueue(int maxBytes, int maxStanzas, byte[] mention)
    {
        _maxBytes = maxBytes;
        _maxStanzas = maxStanzas;
        _mention = mention;
        _buffer = ArrayPool<byte>.Shared.Rent(InitialBytes);
        _entries = ArrayPool<Entry>.Shared.Rent(InitialEntries);
    }

    /// <summary>Stanzas held now (for tests and metrics).</summary>
    public int HeldCount
    {
        get
        {
            lock (_gate)
            {
                var live = 0;
                for (var i = 0; i < _count; i++)
                {
                    live += _entries[i].Live ? 1 : 0;
                }

                return live;
            }
        }
    }

    public bool Send(XmppSession session, scoped in OutboundParts parts)
    {
        lock (_gate)
        {
            var length = parts.Length;
            if (_closed || length > _maxBytes)
            {
                FlushLocked(session);
                return session.SendUnfiltered(parts);
            }

            if (!EnsureRoom(session, length))
            {
                return session.SendUnfiltered(parts);
            }

            var start = _used;
            parts.CopyTo(_buffer.AsSpan(start, length));
            var stanza = _buffer.AsSpan(start, length);
            var kind = HeldStanzaClassifier.Classify(stanza, _mention, out var key);
            if (kind == HeldStanzaKind.Important)
            {
                // Everything held goes first, then this one (still in the buffer, so no second copy is needed).
                FlushLocked(session);
                return session.SendUnfiltered(new OutboundParts(stanza));
            }

            var keyStart = 0;
            var hash = 0;
            if (kind is HeldStanzaKind.Presence or HeldStanzaKind.ChatState)
            {
                keyStart = OffsetIn(stanza, key);
                hash = Utf8KeyComparer.Instance.GetHashCode(key) ^ (int)kind;
                Supersede(kind, hash, key);
            }

            _used += length;
            _entries[_count++] = new Entry(start, length, kind, hash, start + keyStart, key.Length);
            if (_count >= _maxStanzas)
            {
                // Replaced entries count until compacted; only live ones over the bound force a flush.
                Compact();
                if (_count >= _maxStanzas / 2)
                {
                    FlushLocked(session);
                }
            }

            return true;
        }
    }

    /// <summary>Sends what is held; with <paramref name="close"/>, later stanzas pass straight through and the
    /// buffers go back to the pool (the client became active or the session ended).</summary>
    public void Flush(XmppSession session, bool close)
    {
        lock (_gate)
        {
            FlushLocked(session);
            if (close && !_closed)
            {
                _closed = true;
                ArrayPool<byte>.Shared.Return(_buffer);
                ArrayPool<Entry>.Shared.Return(_entries);
                _buffer = [];
                _entries = [];
            }
        }
    }

    /// <summary>Drops what is held (the session ended: presence and chat states are not worth keeping).</summary>
    public void Discard()
    {
        lock (_gate)
        {
            _used = 0;
            _count = 0;
        }
    }

    private void FlushLocked(XmppSession session)
    {
        for (var i = 0; i < _count; i++)
        {
            var entry = _entries[i];
            if (entry.Live)
            {
                session.SendUnfiltered(new OutboundParts(_buffer.AsSpan(entry.Start, entry.Length)));
            }
        }

        _used = 0;
        _count = 0;
    }

    private void Supersede(HeldStanzaKind kind, int hash, ReadOnlySpan<byte> key)
    {
        for (var i = 0; i < _count; i++)
        {
            ref var entry = ref _entries[i];
            if (entry.Live && entry.Hash == hash && entry.Kind == kind && _buffer.AsSpan(entry.KeyStart, entry.KeyLength).SequenceEqual(key))
            {
                entry.Live = false;
                return; // at most one held per sender and kind
            }
        }
    }

    /// <summary>Makes room for <paramref name="length"/> bytes and one entry: grow, else compact, else flush.
    /// False when the queue is closed.</summary>
    private bool EnsureRoom(XmppSession session, int length)
    {
        if (_closed)
        {
            return false;
        }

        if (_count == _entries.Length)
        {
            var grown = ArrayPool<Entry>.Shared.Rent(_entries.Length * 2);
            _entries.AsSpan(0, _count).CopyTo(grown);
            ArrayPool<Entry>.Shared.Return(_entries);
            _entries = grown;
        }

        if (_used + length <= _buffer.Length)
        {
            return true;
        }

        if (_used + length <= _maxBytes)
        {
            var grown = ArrayPool<byte>.Shared.Rent(Math.Min(_maxBytes, Math.Max(_buffer.Length * 2, _used + length)));
            _buffer.AsSpan(0, _used).CopyTo(grown);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = grown;
            return true;
        }

        Compact();
        if (_used + length > _buffer.Length)
        {
            FlushLocked(session);
        }

        return true;
    }

    private void Compact()
    {
        var write = 0;
        var at = 0;
        for (var i = 0; i < _count; i++)
        {
            var entry = _entries[i];
            if (!entry.Live)
            {
                continue;
            }

            var shift = entry.Start - at;
            _buffer.AsSpan(entry.Start, entry.Length).CopyTo(_buffer.AsSpan(at));
            _entries[write++] = entry with { Start = at, KeyStart = entry.KeyStart - shift };
            at += entry.Length;
        }

        _count = write;
        _used = at;
    }

    private static int OffsetIn(ReadOnlySpan<byte> outer, ReadOnlySpan<byte> inner)
        => (int)System.Runtime.CompilerServices.Unsafe.ByteOffset(
            ref System.Runtime.InteropServices.MemoryMarshal.GetReference(outer),
            ref System.Runtime.InteropServices.MemoryMarshal.GetReference(inner));

    private record struct Entry(int Start, int Length, HeldStanzaKind Kind, int Hash, int KeyStart, int KeyLength)
    {
        public bool Live { get; set; } = true;
    }
}
