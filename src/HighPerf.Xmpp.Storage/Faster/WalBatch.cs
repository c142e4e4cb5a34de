using System.Buffers.Binary;

namespace HighPerf.Xmpp.Storage.Faster;

/// <summary>
/// Builds one write-ahead-log entry: every key-value change of one logical write (a roster item, its index
/// bucket and the roster version), so that recovery replays the write whole or not at all.
/// Layout: <c>[format:1][op count:2]</c> then per op <c>[op:1][key length:2][key]</c>, and for an upsert
/// <c>[value length:4][value]</c>; little-endian. Ops carry whole new values (physical redo), so replaying
/// a suffix of the log in order over any older state yields the latest state.
/// </summary>
internal sealed class WalBatch
{
    public const byte Format = 1;
    public const byte OpUpsert = 1;
    public const byte OpDelete = 2;
    public const int HeaderBytes = 3;

    /// <summary>Bulk deletes are split into entries of about this size so that no entry approaches a log page.</summary>
    public const int ChunkBytes = 256 * 1024;

    private const int InitialBytes = 64 * 1024;

    private readonly int _maxBytes;
    private byte[] _buffer = new byte[InitialBytes];
    private int _length;
    private int _count;
    private int _valueOffset = -1;

    public WalBatch(int maxBytes)
    {
        _maxBytes = maxBytes;
        Reset();
    }

    public int Count => _count;

    public int Length => _length;

    public void Reset()
    {
        // A pooled session keeps a small buffer; one that grew for a large value is let go.
        if (_buffer.Length > ChunkBytes)
            _buffer = new byte[InitialBytes];
        _buffer[0] = Format;
        _length = HeaderBytes;
        _count = 0;
        _valueOffset = -1;
    }

    public void Upsert(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        value.CopyTo(BeginUpsert(key, value.Length));
        EndUpsert(value.Length);
    }

    /// <summary>Starts an upsert whose value the caller writes into the returned span, then calls <see cref="EndUpsert"/>.</summary>
    public Span<byte> BeginUpsert(ReadOnlySpan<byte> key, int maxValueLength)
    {
        AppendKey(OpUpsert, key, sizeof(int) + maxValueLength);
        _valueOffset = _length + sizeof(int);
        return _buffer.AsSpan(_valueOffset, maxValueLength);
    }

    public void EndUpsert(int valueLength)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(_valueOffset - sizeof(int)), valueLength);
        _length = _valueOffset + valueLength;
        _valueOffset = -1;
        _count++;
    }

    public void Delete(ReadOnlySpan<byte> key)
    {
        AppendKey(OpDelete, key, 0);
        _count++;
    }

    /// <summary>The finished entry (valid until the next change to this batch).</summary>
    public ReadOnlySpan<byte> Seal()
    {
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(1), (ushort)_count);
        return _buffer.AsSpan(0, _length);
    }

    private void AppendKey(byte op, ReadOnlySpan<byte> key, int extra)
    {
        if (_count == ushort.MaxValue)
            throw new InvalidOperationException("Too many changes for one log entry.");
        Ensure(1 + sizeof(ushort) + key.Length + extra);
        var span = _buffer.AsSpan(_length);
        span[0] = op;
        BinaryPrimitives.WriteUInt16LittleEndian(span[1..], (ushort)key.Length);
        key.CopyTo(span[3..]);
        _length += 3 + key.Length;
    }

    private void Ensure(int more)
    {
        var needed = _length + more;
        if (needed <= _buffer.Length)
            return;
        if (needed > _maxBytes)
            throw new InvalidOperationException($"One write needs a {needed}-byte log entry; the limit is {_maxBytes}.");
        Array.Resize(ref _buffer, Math.Min(_maxBytes, Math.Max(needed, _buffer.Length * 2)));
    }
}
