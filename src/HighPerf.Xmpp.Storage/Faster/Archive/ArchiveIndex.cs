namespace HighPerf.Xmpp.Storage.Faster;

/// <summary>
/// Applies archive log entries to the archive's index records: live, right after the entry is enqueued (under
/// the owner's lock), and at recovery, for the entries after the checkpoint's cut. Every apply reads what it
/// updates, so replaying an entry the checkpoint already holds changes nothing.
/// </summary>
internal static class ArchiveIndex
{
    public static void Apply(StoreSession session, in ArchiveLogEntry entry, long address)
    {
        if (entry.Op == ArchiveLogEntry.OpDeleteAll)
        {
            DeleteAll(session, entry.Owner);
            return;
        }

        var owner = entry.Owner;
        var peer = entry.Peer;
        Span<byte> stateKey = stackalloc byte[KeyBuilder.SizeOf(owner)];
        ArchiveRecords.StateKey(stateKey, owner);
        if (!ArchiveRecords.TryRead(session, stateKey, RecordKind.ArchiveState, RecordTag.ArchiveStateV1, out ArchiveState state))
            state = new ArchiveState { Epoch = entry.Epoch, Head = entry.Sequence };
        state.Epoch = entry.Epoch;
        state.Next = Math.Max(state.Next, entry.Sequence + 1);
        state.LastTimestampUs = Math.Max(state.LastTimestampUs, entry.TimestampUs);
        ArchiveRecords.Write(session, stateKey, RecordTag.ArchiveStateV1, in state);

        Span<byte> keyBuffer = stackalloc byte[ArchiveRecords.KeyBytes(owner, peer)];
        var peerKey = ArchiveRecords.PeerStateKey(keyBuffer, owner, peer);
        if (!ArchiveRecords.TryRead(session, peerKey, RecordKind.ArchivePeerState, RecordTag.ArchivePeerStateV1, out ArchivePeerState peerState))
        {
            AddPeer(session, owner, peer);
            peerState = new ArchivePeerState { Head = entry.PeerSequence };
        }

        peerState.Next = Math.Max(peerState.Next, entry.PeerSequence + 1);
        ArchiveRecords.Write(session, peerKey, RecordTag.ArchivePeerStateV1, in peerState);

        var record = new ArchiveEntryRecord
        {
            Address = address,
            TimestampUs = entry.TimestampUs,
            PeerSequence = entry.PeerSequence,
            DetailHash = StableHash.Fnv1a64(entry.Detail),
        };
        Span<byte> entryKey = stackalloc byte[KeyBuilder.SizeOf(owner, sizeof(long))];
        ArchiveRecords.Write(session, ArchiveRecords.EntryKey(entryKey, owner, entry.Sequence), RecordTag.ArchiveEntryV1, in record);
        var sequence = entry.Sequence;
        ArchiveRecords.Write(session, ArchiveRecords.PeerEntryKey(keyBuffer, owner, entry.PeerSequence, peer), RecordTag.ArchivePeerEntryV1, in sequence);
    }

    /// <summary>Deletes every index record of the owner's archive (the peers list names the per-peer records).</summary>
    public static void DeleteAll(StoreSession session, ReadOnlySpan<byte> owner)
    {
        Span<byte> key = stackalloc byte[KeyBuilder.MaxKeyBytes];
        if (!ArchiveRecords.TryReadState(session, owner, out var state))
            return;
        for (var sequence = state.Head; sequence < state.Next; sequence++)
            session.Delete(ArchiveRecords.EntryKey(key, owner, sequence));

        // The read buffer is reused by the reads below: the list is copied out first (account deletion is rare).
        byte[] peers = [];
        if (session.TryRead(ArchiveRecords.PeersKey(key, owner), out var list))
        {
            if (list.IsEmpty || list[0] != RecordTag.ArchivePeersV1)
                Throw.BadRecord(RecordKind.ArchivePeers, "unexpected tag");
            peers = list[1..].ToArray();
        }

        foreach (var peer in new ByteStringList.Enumerator(peers))
        {
            if (ArchiveRecords.TryReadPeerState(session, owner, peer, out var peerState))
            {
                for (var k = peerState.Head; k < peerState.Next; k++)
                    session.Delete(ArchiveRecords.PeerEntryKey(key, owner, k, peer));
            }

            session.Delete(ArchiveRecords.PeerStateKey(key, owner, peer));
        }

        session.Delete(ArchiveRecords.PeersKey(key, owner));
        session.Delete(ArchiveRecords.StateKey(key, owner));
    }

    // A new peer of the owner: rewrites the owner's peer list once per peer (rare next to messages).
    private static void AddPeer(StoreSession session, ReadOnlySpan<byte> owner, ReadOnlySpan<byte> peer)
    {
        Span<byte> key = stackalloc byte[KeyBuilder.SizeOf(owner)];
        ArchiveRecords.PeersKey(key, owner);
        scoped ReadOnlySpan<byte> list = default;
        if (session.TryRead(key, out var value))
        {
            if (value.IsEmpty || value[0] != RecordTag.ArchivePeersV1)
                Throw.BadRecord(RecordKind.ArchivePeers, "unexpected tag");
            list = value[1..];
            if (ByteStringList.Contains(list, peer))
                return;
        }

        var size = 1 + ByteStringList.SizeWith(list, peer);
        var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(size);
        try
        {
            rented[0] = RecordTag.ArchivePeersV1;
            ByteStringList.WriteWith(list, peer, rented.AsSpan(1));
            session.Upsert(key, rented.AsSpan(0, size));
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
