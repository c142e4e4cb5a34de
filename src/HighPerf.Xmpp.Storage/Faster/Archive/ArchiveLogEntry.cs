using System.Buffers.Binary;

namespace HighPerf.Xmpp.Storage.Faster;

/// <summary>
/// The archive log's entries, little-endian:
/// <c>[format:1][op:1][owner length:2][owner]</c>, then for an append
/// <c>[epoch:4][sequence:8][timestamp µs:8][peer sequence:8][peer length:2][peer][detail length:2][detail][message length:4][message]</c>;
/// a delete-all carries nothing more. An append holds everything its index records are made of, so replaying
/// entries in order over any older index state rebuilds the index (each apply is idempotent).
/// </summary>
internal readonly ref struct ArchiveLogEntry
{
    public const byte Format = 1;
    public const byte OpAppend = 1;
    public const byte OpDeleteAll = 2;

    private const int FixedAppendBytes = 4 + 4 + 8 + 8 + 8 + 2 + 2 + 4;

    public byte Op { get; init; }

    public ReadOnlySpan<byte> Owner { get; init; }

    public uint Epoch { get; init; }

    public long Sequence { get; init; }

    public long TimestampUs { get; init; }

    public long PeerSequence { get; init; }

    public ReadOnlySpan<byte> Peer { get; init; }

    public ReadOnlySpan<byte> Detail { get; init; }

    public ReadOnlySpan<byte> Message { get; init; }

    public static int AppendSize(ReadOnlySpan<byte> owner, ReadOnlySpan<byte> peer, ReadOnlySpan<byte> detail, int messageLength)
        => FixedAppendBytes + owner.Length + peer.Length + detail.Length + messageLength;

    public static int DeleteAllSize(ReadOnlySpan<byte> owner) => 4 + owner.Length;

    /// <summary>Writes this entry into <paramref name="destination"/>; returns its length.</summary>
    public int Write(Span<byte> destination)
    {
        destination[0] = Format;
        destination[1] = Op;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[2..], (ushort)Owner.Length);
        Owner.CopyTo(destination[4..]);
        var at = 4 + Owner.Length;
        if (Op == OpDeleteAll)
            return at;
        BinaryPrimitives.WriteUInt32LittleEndian(destination[at..], Epoch);
        BinaryPrimitives.WriteInt64LittleEndian(destination[(at + 4)..], Sequence);
        BinaryPrimitives.WriteInt64LittleEndian(destination[(at + 12)..], TimestampUs);
        BinaryPrimitives.WriteInt64LittleEndian(destination[(at + 20)..], PeerSequence);
        at += 28;
        at = WriteShortBytes(destination, at, Peer);
        at = WriteShortBytes(destination, at, Detail);
        BinaryPrimitives.WriteInt32LittleEndian(destination[at..], Message.Length);
        Message.CopyTo(destination[(at + 4)..]);
        return at + 4 + Message.Length;
    }

    public static ArchiveLogEntry Parse(ReadOnlySpan<byte> entry)
    {
        if (entry.Length < 4 || entry[0] != Format)
            throw new InvalidDataException("Unknown archive log entry format.");
        var op = entry[1];
        var ownerLength = BinaryPrimitives.ReadUInt16LittleEndian(entry[2..]);
        if (ownerLength == 0 || entry.Length < 4 + ownerLength)
            throw new InvalidDataException("Truncated archive log entry.");
        var owner = entry.Slice(4, ownerLength);
        var rest = entry[(4 + ownerLength)..];
        if (op == OpDeleteAll)
            return rest.IsEmpty ? new ArchiveLogEntry { Op = op, Owner = owner } : throw new InvalidDataException("Trailing bytes after an archive log entry.");
        if (op != OpAppend || rest.Length < 28)
            throw new InvalidDataException("Truncated or unknown archive log entry.");
        var epoch = BinaryPrimitives.ReadUInt32LittleEndian(rest);
        var sequence = BinaryPrimitives.ReadInt64LittleEndian(rest[4..]);
        var timestamp = BinaryPrimitives.ReadInt64LittleEndian(rest[12..]);
        var peerSequence = BinaryPrimitives.ReadInt64LittleEndian(rest[20..]);
        rest = rest[28..];
        var peer = ReadShortBytes(ref rest);
        var detail = ReadShortBytes(ref rest);
        if (rest.Length < 4)
            throw new InvalidDataException("Truncated archive log entry.");
        var messageLength = BinaryPrimitives.ReadInt32LittleEndian(rest);
        if (messageLength < 0 || rest.Length != 4 + messageLength)
            throw new InvalidDataException("Archive log entry message length does not match.");
        return new ArchiveLogEntry
        {
            Op = op,
            Owner = owner,
            Epoch = epoch,
            Sequence = sequence,
            TimestampUs = timestamp,
            PeerSequence = peerSequence,
            Peer = peer,
            Detail = detail,
            Message = rest[4..],
        };
    }

    private static int WriteShortBytes(Span<byte> destination, int at, ReadOnlySpan<byte> bytes)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(destination[at..], (ushort)bytes.Length);
        bytes.CopyTo(destination[(at + 2)..]);
        return at + 2 + bytes.Length;
    }

    private static ReadOnlySpan<byte> ReadShortBytes(scoped ref ReadOnlySpan<byte> rest)
    {
        if (rest.Length < 2)
            throw new InvalidDataException("Truncated archive log entry.");
        var length = BinaryPrimitives.ReadUInt16LittleEndian(rest);
        if (rest.Length < 2 + length)
            throw new InvalidDataException("Truncated archive log entry.");
        var bytes = rest.Slice(2, length);
        rest = rest[(2 + length)..];
        return bytes;
    }
}
