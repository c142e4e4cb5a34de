using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Storage.Faster;

/// <summary>
/// Resolves an <see cref="ArchiveQuery"/> to the entries of one page with point reads of the index: positions are
/// owner sequences, or a peer's own sequence under a peer filter; time bounds and ids become positions by binary
/// search (times and sequences grow with the position). Only a peer-detail filter or an id list walks entries,
/// and only those of the range. Runs with a rented session; reads no log.
/// </summary>
internal sealed class ArchiveQueryPlan
{
    private readonly StoreSession _session;
    private readonly byte[] _owner;
    private readonly byte[]? _peer;
    private uint _epoch;

    private ArchiveQueryPlan(StoreSession session, byte[] owner, byte[]? peer)
    {
        _session = session;
        _owner = owner;
        _peer = peer;
    }

    public readonly record struct PageEntry(ArchiveId Id, ArchiveEntryRecord Record);

    public sealed class Result
    {
        public static Result Unknown { get; } = new() { UnknownId = true, Complete = true };

        public bool UnknownId { get; init; }
        public List<PageEntry> Entries { get; init; } = [];
        public long Count { get; init; }
        public bool Complete { get; init; }
        public long FirstIndex { get; init; }
    }

    public static Result Run(StoreSession session, byte[] owner, ArchiveQuery query)
    {
        if (!ArchiveRecords.TryReadState(session, owner, out var state))
            return NamesAnId(query) ? Result.Unknown : new Result { Complete = true };
        var plan = new ArchiveQueryPlan(session, owner, query.Peer);
        return plan.Resolve(state, query);
    }

    private Result Resolve(in ArchiveState state, ArchiveQuery query)
    {
        _epoch = state.Epoch;
        if (!Known(state, query.AfterId, out var after) || !Known(state, query.BeforeId, out var before)
            || !Known(state, query.PageAfter, out var pageAfter) || !Known(state, query.PageBefore, out var pageBefore))
            return Result.Unknown;

        long lo, hi;
        if (_peer is null)
        {
            (lo, hi) = (state.Head, state.Next);
        }
        else if (ArchiveRecords.TryReadPeerState(_session, _owner, _peer, out var peerState))
        {
            (lo, hi) = (peerState.Head, peerState.Next);
        }
        else
        {
            (lo, hi) = (0, 0);
        }

        if (query.StartUs is { } start)
            lo = LowerBound(lo, hi, p => TimeAt(p) >= start);
        if (query.EndUs is { } end)
            hi = LowerBound(lo, hi, p => TimeAt(p) > end);
        if (after >= 0)
            lo = LowerBound(lo, hi, p => SequenceAt(p) > after);
        if (before >= 0)
            hi = LowerBound(lo, hi, p => SequenceAt(p) >= before);
        hi = Math.Max(lo, hi);

        if (query.Ids is not null || query.PeerDetail is not null)
        {
            var selected = Select(state, query, lo, hi);
            if (selected is null)
                return Result.Unknown;
            return Page(query, 0, selected.Count, pageAfter, pageBefore, i => selected[(int)i], (i, n) => selected[(int)i] > n, (i, n) => selected[(int)i] >= n);
        }

        return Page(query, lo, hi, pageAfter, pageBefore, SequenceAt, (p, n) => SequenceAt(p) > n, (p, n) => SequenceAt(p) >= n);
    }

    // The page over index range [low, high): positions map to owner sequences through 'sequenceAt'.
    private Result Page(ArchiveQuery query, long low, long high, long pageAfter, long pageBefore,
        Func<long, long> sequenceAt, Func<long, long, bool> isAfter, Func<long, long, bool> isAtOrAfter)
    {
        long from, to;
        bool complete;
        var max = Math.Max(0, query.Max);
        if (pageBefore >= 0 || query.LastPage)
        {
            to = pageBefore >= 0 ? LowerBound(low, high, p => isAtOrAfter(p, pageBefore)) : high;
            from = Math.Max(low, to - max);
            complete = from <= low;
        }
        else
        {
            from = pageAfter >= 0 ? LowerBound(low, high, p => isAfter(p, pageAfter)) : low;
            to = Math.Min(high, from + max);
            complete = to >= high;
        }

        var entries = new List<PageEntry>((int)Math.Max(0, to - from));
        for (var p = from; p < to; p++)
        {
            var sequence = sequenceAt(p);
            if (sequence >= 0 && ArchiveRecords.TryReadEntry(_session, _owner, sequence, out var record))
                entries.Add(new PageEntry(ArchiveId.From(_epoch, sequence), record));
        }

        return new Result { Entries = entries, Count = high - low, Complete = complete, FirstIndex = from - low };
    }

    // An id list and/or a peer-detail filter: the matching owner sequences within [lo, hi), in order; null when a
    // listed id is not in the archive.
    private List<long>? Select(in ArchiveState state, ArchiveQuery query, long lo, long hi)
    {
        var detailHash = query.PeerDetail is { } detail ? StableHash.Fnv1a64(detail) : 0;
        var selected = new List<long>();
        if (query.Ids is { } ids)
        {
            var low = lo < hi ? SequenceAt(lo) : long.MaxValue;
            var high = lo < hi ? SequenceAt(hi - 1) : long.MinValue;
            foreach (var id in ids)
            {
                if (!Known(state, id, out var sequence))
                    return null;
                if (sequence < low || sequence > high || !ArchiveRecords.TryReadEntry(_session, _owner, sequence, out var record))
                    continue;
                if (_peer is not null && (!ArchiveRecords.TryReadPeerEntry(_session, _owner, _peer, record.PeerSequence, out var bySequence) || bySequence != sequence))
                    continue;
                if (query.PeerDetail is not null && record.DetailHash != detailHash)
                    continue;
                if (!selected.Contains(sequence))
                    selected.Add(sequence);
            }

            selected.Sort();
            return selected;
        }

        for (var p = lo; p < hi; p++)
        {
            var sequence = SequenceAt(p);
            if (sequence >= 0 && ArchiveRecords.TryReadEntry(_session, _owner, sequence, out var record) && record.DetailHash == detailHash)
                selected.Add(sequence);
        }

        return selected;
    }

    // Owner sequence at a position (-1 when the record is gone: expired by retention).
    private long SequenceAt(long position)
    {
        if (_peer is null)
            return position;
        return ArchiveRecords.TryReadPeerEntry(_session, _owner, _peer, position, out var sequence) ? sequence : -1;
    }

    // Expired entries sort before any time: retention removes a prefix of every sequence.
    private long TimeAt(long position)
    {
        var sequence = SequenceAt(position);
        return sequence >= 0 && ArchiveRecords.TryReadEntry(_session, _owner, sequence, out var record) ? record.TimestampUs : long.MinValue;
    }

    /// <summary>The first position in [lo, hi) where <paramref name="predicate"/> holds (it holds from there on); hi if none.</summary>
    private static long LowerBound(long lo, long hi, Func<long, bool> predicate)
    {
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            if (predicate(mid))
                hi = mid;
            else
                lo = mid + 1;
        }

        return lo;
    }

    private bool Known(in ArchiveState state, ArchiveId? id, out long sequence)
    {
        sequence = -1;
        if (id is not { } value)
            return true;
        if (value.Epoch != state.Epoch || value.Sequence < state.Head || value.Sequence >= state.Next
            || !ArchiveRecords.TryReadEntry(_session, _owner, value.Sequence, out _))
            return false;
        sequence = value.Sequence;
        return true;
    }

    private static bool NamesAnId(ArchiveQuery query)
        => query.AfterId is not null || query.BeforeId is not null || query.PageAfter is not null || query.PageBefore is not null || query.Ids is { Count: > 0 };
}
