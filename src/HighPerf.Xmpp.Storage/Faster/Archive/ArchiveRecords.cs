using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace HighPerf.Xmpp.Storage.Faster;

/// <summary>Per-owner archive state: the id epoch, the live sequence range [Head, Next) and the last timestamp.</summary>
internal struct ArchiveState
{
    public uint Epoch;
    public long Head;
    public long Next;
    public long LastTimestampUs;
}

/// <summary>One archived entry's index record, keyed (owner, sequence): where its bytes are in the archive log,
/// its time, its position in its peer's sequence, and the hash of its peer detail (full-JID filters).</summary>
internal struct ArchiveEntryRecord
{
    public long Address;
    public long TimestampUs;
    public long PeerSequence;
    public ulong DetailHash;
}

/// <summary>Per (owner, peer): the live range [Head, Next) of the peer's own sequence.</summary>
internal struct ArchivePeerState
{
    public long Head;
    public long Next;
}

/// <summary>
/// Reads and writes the archive's fixed-size index records straight to the key-value store. Unlike the other
/// record kinds these are not logged to the write-ahead log: the archive log's entries are their redo log
/// (<see cref="ArchiveLogEntry"/>), replayed from the checkpoint's cut at start.
/// </summary>
internal static class ArchiveRecords
{
    public static bool TryRead<T>(StoreSession session, ReadOnlySpan<byte> key, RecordKind kind, byte tag, out T value)
        where T : unmanaged => FixedRecord.TryRead(session, key, kind, tag, out value);

    public static void Write<T>(StoreSession session, ReadOnlySpan<byte> key, byte tag, in T value)
        where T : unmanaged
    {
        Span<byte> bytes = stackalloc byte[1 + Unsafe.SizeOf<T>()];
        bytes[0] = tag;
        MemoryMarshal.Write(bytes[1..], in value);
        session.Upsert(key, bytes);
    }

    public static Span<byte> StateKey(Span<byte> destination, ReadOnlySpan<byte> owner)
        => KeyBuilder.Write(destination, RecordKind.ArchiveState, owner);

    public static Span<byte> EntryKey(Span<byte> destination, ReadOnlySpan<byte> owner, long sequence)
        => KeyBuilder.Write(destination, RecordKind.ArchiveEntry, owner, sequence);

    public static Span<byte> PeerStateKey(Span<byte> destination, ReadOnlySpan<byte> owner, ReadOnlySpan<byte> peer)
        => KeyBuilder.Write(destination, RecordKind.ArchivePeerState, owner, peer);

    public static Span<byte> PeerEntryKey(Span<byte> destination, ReadOnlySpan<byte> owner, long peerSequence, ReadOnlySpan<byte> peer)
        => KeyBuilder.Write(destination, RecordKind.ArchivePeerEntry, owner, peerSequence, peer);

    public static Span<byte> PeersKey(Span<byte> destination, ReadOnlySpan<byte> owner)
        => KeyBuilder.Write(destination, RecordKind.ArchivePeers, owner);

    public static int KeyBytes(ReadOnlySpan<byte> owner, ReadOnlySpan<byte> peer) => KeyBuilder.SizeOf(owner, sizeof(long) + peer.Length);

    public static bool TryReadState(StoreSession session, ReadOnlySpan<byte> owner, out ArchiveState state)
    {
        Span<byte> key = stackalloc byte[KeyBuilder.SizeOf(owner)];
        return TryRead(session, StateKey(key, owner), RecordKind.ArchiveState, RecordTag.ArchiveStateV1, out state);
    }

    public static bool TryReadEntry(StoreSession session, ReadOnlySpan<byte> owner, long sequence, out ArchiveEntryRecord entry)
    {
        Span<byte> key = stackalloc byte[KeyBuilder.SizeOf(owner, sizeof(long))];
        return TryRead(session, EntryKey(key, owner, sequence), RecordKind.ArchiveEntry, RecordTag.ArchiveEntryV1, out entry);
    }

    public static bool TryReadPeerState(StoreSession session, ReadOnlySpan<byte> owner, ReadOnlySpan<byte> peer, out ArchivePeerState state)
    {
        Span<byte> key = stackalloc byte[KeyBytes(owner, peer)];
        return TryRead(session, PeerStateKey(key, owner, peer), RecordKind.ArchivePeerState, RecordTag.ArchivePeerStateV1, out state);
    }

    /// <summary>The owner's sequence number of the peer's entry <paramref name="peerSequence"/>.</summary>
    public static bool TryReadPeerEntry(StoreSession session, ReadOnlySpan<byte> owner, ReadOnlySpan<byte> peer, long peerSequence, out long sequence)
    {
        Span<byte> key = stackalloc byte[KeyBytes(owner, peer)];
        return TryRead(session, PeerEntryKey(key, owner, peerSequence, peer), RecordKind.ArchivePeerEntry, RecordTag.ArchivePeerEntryV1, out sequence);
    }
}
