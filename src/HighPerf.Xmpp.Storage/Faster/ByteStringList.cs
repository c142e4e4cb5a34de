using System.Buffers.Binary;

namespace HighPerf.Xmpp.Storage.Faster;

/// <summary>
/// A list of byte strings as <c>([length:2][bytes])*</c>: roster index buckets (contact JIDs) and a user's
/// document keys. Small by design (a bucket holds a fraction of a roster), so linear scans are cheap.
/// </summary>
internal static class ByteStringList
{
    public static int SizeWith(ReadOnlySpan<byte> list, ReadOnlySpan<byte> item) => list.Length + 2 + item.Length;

    public static bool Contains(ReadOnlySpan<byte> list, ReadOnlySpan<byte> item)
    {
        foreach (var existing in new Enumerator(list))
        {
            if (existing.SequenceEqual(item))
                return true;
        }
        return false;
    }

    /// <summary>Writes the list with <paramref name="item"/> appended; returns the bytes written.</summary>
    public static int WriteWith(ReadOnlySpan<byte> list, ReadOnlySpan<byte> item, Span<byte> destination)
    {
        list.CopyTo(destination);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[list.Length..], (ushort)item.Length);
        item.CopyTo(destination[(list.Length + 2)..]);
        return list.Length + 2 + item.Length;
    }

    /// <summary>Writes the list without <paramref name="item"/>; returns the bytes written.</summary>
    public static int WriteWithout(ReadOnlySpan<byte> list, ReadOnlySpan<byte> item, Span<byte> destination)
    {
        var written = 0;
        foreach (var existing in new Enumerator(list))
        {
            if (existing.SequenceEqual(item))
                continue;
            BinaryPrimitives.WriteUInt16LittleEndian(destination[written..], (ushort)existing.Length);
            existing.CopyTo(destination[(written + 2)..]);
            written += 2 + existing.Length;
        }
        return written;
    }

    public ref struct Enumerator
    {
        private ReadOnlySpan<byte> _rest;

        public Enumerator(ReadOnlySpan<byte> list) => _rest = list;

        public ReadOnlySpan<byte> Current { get; private set; }

        public readonly Enumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_rest.IsEmpty)
                return false;
            if (_rest.Length < 2)
                throw new InvalidDataException("Truncated byte-string list.");
            var length = BinaryPrimitives.ReadUInt16LittleEndian(_rest);
            if (_rest.Length < 2 + length)
                throw new InvalidDataException("Truncated byte-string list.");
            Current = _rest.Slice(2, length);
            _rest = _rest[(2 + length)..];
            return true;
        }
    }
}
