namespace HighPerf.Xmpp.Storage.Faster;

/// <summary>
/// Retention. (1) Walk the archive log from its start and forget (delete the index records of) every entry older
/// than the threshold, stopping at the first newer one: the cut. These deletes are not logged. (2) Checkpoint: the
/// deletes become durable and the replay point moves past the cut. (3) Truncate the log below the cut and commit
/// the truncation; FasterLog deletes the segment files wholly below it. A crash before (2) recovers the older
/// checkpoint and replays nothing below the old replay point, so the forgotten entries come back and the next
/// run forgets them again; after (2) they are gone for good. Entries of an archive deleted and started again
/// have sequence numbers the new archive reuses: an index record is only deleted when it points at the entry
/// being expired.
/// </summary>
internal sealed partial class ArchiveStore
{
    private readonly SemaphoreSlim _expiry = new(1, 1);

    public async ValueTask<long> ExpireBeforeAsync(DateTimeOffset threshold)
    {
        var thresholdUs = threshold.ToUnixTimeMilliseconds() * 1000;
        await _expiry.WaitAsync().ConfigureAwait(false);
        try
        {
            var (expired, cut) = await Task.Run(() => Sweep(thresholdUs)).ConfigureAwait(false);
            if (cut <= _log.BeginAddress)
                return expired;
            await _store.CheckpointAsync().ConfigureAwait(false);
            var until = Math.Min(cut, _store.Manifest.ArchiveReplayFrom);
            if (until > _log.BeginAddress)
            {
                _log.TruncateUntil(until);
                await _committer.ForceCommitAsync().ConfigureAwait(false);
            }

            return expired;
        }
        finally
        {
            _expiry.Release();
        }
    }

    private (long Expired, long Cut) Sweep(long thresholdUs)
    {
        var from = _log.BeginAddress;
        var until = _log.CommittedUntilAddress;
        if (from >= until)
            return (0, from);
        long expired = 0;
        var cut = until;
        var session = _store.RentSession();
        try
        {
            using var iterator = _log.Scan(from, until, recover: false);
            while (iterator.GetNext(out byte[] bytes, out var length, out var address))
            {
                var entry = ArchiveLogEntry.Parse(bytes.AsSpan(0, length));
                if (entry.Op != ArchiveLogEntry.OpAppend)
                    continue;
                if (entry.TimestampUs >= thresholdUs)
                {
                    cut = address;
                    break;
                }

                lock (_store.LockFor(entry.Owner))
                {
                    if (Forget(session, entry, address))
                        expired++;
                }
            }
        }
        finally
        {
            _store.ReturnSession(session);
        }

        return (expired, cut);
    }

    private static bool Forget(StoreSession session, in ArchiveLogEntry entry, long address)
    {
        var owner = entry.Owner;
        if (!ArchiveRecords.TryReadEntry(session, owner, entry.Sequence, out var record) || record.Address != address)
            return false;
        Span<byte> key = stackalloc byte[ArchiveRecords.KeyBytes(owner, entry.Peer)];
        session.Delete(ArchiveRecords.EntryKey(key, owner, entry.Sequence));
        session.Delete(ArchiveRecords.PeerEntryKey(key, owner, entry.PeerSequence, entry.Peer));
        if (ArchiveRecords.TryReadState(session, owner, out var state) && state.Head <= entry.Sequence)
        {
            state.Head = entry.Sequence + 1;
            ArchiveRecords.Write(session, ArchiveRecords.StateKey(key, owner), RecordTag.ArchiveStateV1, in state);
        }

        if (ArchiveRecords.TryReadPeerState(session, owner, entry.Peer, out var peerState) && peerState.Head <= entry.PeerSequence)
        {
            peerState.Head = entry.PeerSequence + 1;
            ArchiveRecords.Write(session, ArchiveRecords.PeerStateKey(key, owner, entry.Peer), RecordTag.ArchivePeerStateV1, in peerState);
        }

        return true;
    }
}
