using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Storage.Faster;

/// <summary>Queries: the page is planned from the index (<see cref="ArchiveQueryPlan"/>), then its entries are read
/// from the archive log by address.</summary>
internal sealed partial class ArchiveStore
{
    public async ValueTask<ArchivePage> QueryAsync(ReadOnlyMemory<byte> owner, ArchiveQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        KeyBuilder.ValidateUser(owner.Span);
        var ownerBytes = owner.ToArray();
        ArchiveQueryPlan.Result plan;
        var session = _store.RentSession();
        try
        {
            plan = ArchiveQueryPlan.Run(session, ownerBytes, query);
        }
        finally
        {
            _store.ReturnSession(session);
        }

        if (plan.UnknownId)
            return ArchivePage.Unknown;
        var messages = new List<ArchivedMessage>(plan.Entries.Count);
        foreach (var (id, record) in plan.Entries)
        {
            var (bytes, length) = await _log.ReadAsync(record.Address).ConfigureAwait(false);
            if (bytes is null)
                continue; // truncated by retention since the plan was made
            var entry = ArchiveLogEntry.Parse(bytes.AsSpan(0, length));
            if (entry.Op != ArchiveLogEntry.OpAppend || entry.Sequence != id.Sequence || !entry.Owner.SequenceEqual(ownerBytes))
                Throw.BadRecord(RecordKind.ArchiveEntry, "the log entry at its address belongs to another entry");
            if (query.PeerDetail is { } detail && !entry.Detail.SequenceEqual(detail))
                continue; // a hash collision: not this peer detail
            var offset = length - entry.Message.Length;
            messages.Add(new ArchivedMessage(id, entry.TimestampUs, bytes.AsMemory(offset, entry.Message.Length)));
        }

        return new ArchivePage { Messages = messages, Count = plan.Count, Complete = plan.Complete, FirstIndex = plan.FirstIndex };
    }
}
