using System.Buffers;
using HighPerf.Xmpp.Core.Buffers;

namespace HighPerf.Xmpp.Core.StreamManagement;

/// <summary>
/// The outbound stanzas a client has not acknowledged yet (XEP-0198 §4), oldest first, as the bytes that went to
/// the transport: one pooled byte array (stanzas back to back) plus a pooled ring of their lengths. No object per
/// stanza; an empty queue holds no arrays, so an idle, fully acked session costs nothing here.
/// Not thread-safe: the owning session serializes access.
/// </summary>
internal sealed class UnackedStanzas
{
    private const int MinimumBytes = 1024;
    private const int MinimumSlots = 16;

    private byte[] _bytes = [];
    private int _start;
    private int _end;
    private int[] _lengths = [];
    private int _first;
    private int _count;

    /// <summary>Stanzas held.</summary>
    public int Count => _count;

    /// <summary>Bytes held.</summary>
    public int Bytes => _end - _start;

    /// <summary>Bytes of pooled arrays held (for the memory figure).</summary>
    public int CapacityBytes => _bytes.Length + (_lengths.Length * sizeof(int));

    public void Append(scoped in OutboundParts parts)
    {
        var length = parts.Length;
        EnsureRoom(length);
        parts.CopyTo(_bytes.AsSpan(_end, length));
        _end += length;
        if (_count == _lengths.Length)
        {
            GrowSlots();
        }

        _lengths[(_first + _count) % _lengths.Length] = length;
        _count++;
    }

    /// <summary>Drops the <paramref name="count"/> oldest stanzas (they were acknowledged).</summary>
    public void DropOldest(int count)
    {
        count = Math.Min(count, _count);
        for (var i = 0; i < count; i++)
        {
            _start += _lengths[_first];
            _first = (_first + 1) % _lengths.Length;
        }

        _count -= count;
        if (_count == 0)
        {
            Release();
        }
    }

    /// <summary>A cursor over the held stanzas, oldest first.</summary>
    public Cursor GetCursor() => new(this);

    /// <summary>Moves everything into a new queue (this one is left empty): the caller processes it outside the
    /// session's lock and releases it.</summary>
    public UnackedStanzas TakeAll()
    {
        var taken = new UnackedStanzas
        {
            _bytes = _bytes,
            _start = _start,
            _end = _end,
            _lengths = _lengths,
            _first = _first,
            _count = _count,
        };
        _bytes = [];
        _lengths = [];
        _start = _end = _first = _count = 0;
        return taken;
    }

    /// <summary>
    /// Takes stanzas out from position <paramref name="keep"/> on (the <paramref name="keep"/> oldest stay), oldest
    /// first, until at most <paramref name="targetBytes"/> are held or none is left after <paramref name="keep"/>.
    /// The rest move up to close the gap. Returns what was taken (the caller processes and releases it); empty when
    /// nothing was. O(stanzas held): it runs when a detached session crosses its bound, not per stanza.
    /// </summary>
    public UnackedStanzas TakeAfter(int keep, int targetBytes)
    {
        var taken = new UnackedStanzas();
        if (keep >= _count || Bytes <= targetBytes)
        {
            return taken;
        }

        var from = _start;
        for (var i = 0; i < keep; i++)
        {
            from += _lengths[(_first + i) % _lengths.Length];
        }

        var removed = 0;
        var removedBytes = 0;
        while (keep + removed < _count && Bytes - removedBytes > targetBytes)
        {
            var length = _lengths[(_first + keep + removed) % _lengths.Length];
            taken.Append(new OutboundParts(_bytes.AsSpan(from + removedBytes, length)));
            removedBytes += length;
            removed++;
        }

        // Close the gap: the bytes after the taken range move down, and so do their lengths in the ring.
        _bytes.AsSpan(from + removedBytes, _end - from - removedBytes).CopyTo(_bytes.AsSpan(from));
        _end -= removedBytes;
        for (var i = keep; i + removed < _count; i++)
        {
            _lengths[(_first + i) % _lengths.Length] = _lengths[(_first + i + removed) % _lengths.Length];
        }

        _count -= removed;
        if (_count == 0)
        {
            Release();
        }

        return taken;
    }

    /// <summary>Returns the pooled arrays.</summary>
    public void Release()
    {
        if (_bytes.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_bytes);
        }

        if (_lengths.Length > 0)
        {
            ArrayPool<int>.Shared.Return(_lengths);
        }

        _bytes = [];
        _lengths = [];
        _start = _end = _first = _count = 0;
    }

    private void EnsureRoom(int length)
    {
        if (_end + length <= _bytes.Length)
        {
            return;
        }

        var held = _end - _start;
        if (held + length <= _bytes.Length / 2)
        {
            // At most half full once the acknowledged prefix is gone: slide the rest to the front (amortized O(1)).
            _bytes.AsSpan(_start, held).CopyTo(_bytes);
            _start = 0;
            _end = held;
            return;
        }

        var grown = ArrayPool<byte>.Shared.Rent(Math.Max(MinimumBytes, Math.Max(_bytes.Length * 2, held + length)));
        _bytes.AsSpan(_start, held).CopyTo(grown);
        if (_bytes.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_bytes);
        }

        _bytes = grown;
        _start = 0;
        _end = held;
    }

    private void GrowSlots()
    {
        var grown = ArrayPool<int>.Shared.Rent(Math.Max(MinimumSlots, _lengths.Length * 2));
        for (var i = 0; i < _count; i++)
        {
            grown[i] = _lengths[(_first + i) % _lengths.Length];
        }

        if (_lengths.Length > 0)
        {
            ArrayPool<int>.Shared.Return(_lengths);
        }

        _lengths = grown;
        _first = 0;
    }

    /// <summary>Walks the stanzas oldest first without copying.</summary>
    public ref struct Cursor
    {
        private readonly UnackedStanzas _queue;
        private int _index;
        private int _offset;

        internal Cursor(UnackedStanzas queue)
        {
            _queue = queue;
            _index = 0;
            _offset = queue._start;
            Current = default;
        }

        public ReadOnlySpan<byte> Current { get; private set; }

        public bool MoveNext()
        {
            var queue = _queue;
            if (_index >= queue._count)
            {
                return false;
            }

            var length = queue._lengths[(queue._first + _index) % queue._lengths.Length];
            Current = queue._bytes.AsSpan(_offset, length);
            _offset += length;
            _index++;
            return true;
        }
    }
}
