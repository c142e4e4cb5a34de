using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Storage.Faster;

/// <summary>
/// Offline messages (XEP-0160): a <see cref="OfflineQueueState"/> record per user and one record per message
/// keyed (user, sequence). An append reads the state, checks the cap and logs message + state as one
/// entry under the user's lock, so concurrent appends for one user neither exceed the cap nor lose or
/// reorder messages.
/// </summary>
internal sealed class OfflineStore : IOfflineStore
{
    private readonly FasterStore _store;

    public OfflineStore(FasterStore store) => _store = store;

    public ValueTask<OfflineAppendResult> AppendAsync(ReadOnlyMemory<byte> user, ReadOnlyMemory<byte> stanza)
    {
        KeyBuilder.ValidateUser(user.Span);
        if (stanza.IsEmpty)
            throw new ArgumentException("The stanza is empty.", nameof(stanza));
        _store.ValidateValue(1 + stanza.Length, nameof(stanza));
        var owner = user.Span;
        var session = _store.RentSession();
        long address = 0;
        var result = OfflineAppendResult.Full;
        try
        {
            lock (_store.LockFor(owner))
            {
                var state = ReadState(session, owner);
                if (state.Count < _store.Options.OfflineMessagesPerUser)
                {
                    Span<byte> key = stackalloc byte[KeyBuilder.SizeOf(owner, sizeof(long))];
                    var value = session.Batch.BeginUpsert(KeyBuilder.Write(key, RecordKind.OfflineMessage, owner, state.Tail), 1 + stanza.Length);
                    value[0] = RecordTag.OfflineMessageV1;
                    stanza.Span.CopyTo(value[1..]);
                    session.Batch.EndUpsert(1 + stanza.Length);
                    state.Tail++;
                    WriteState(session, owner, state);
                    address = _store.Commit(session);
                    result = OfflineAppendResult.Stored;
                }
            }
        }
        finally
        {
            _store.ReturnSession(session);
        }

        return _store.WhenDurable(result, address);
    }

    public int Count(ReadOnlySpan<byte> user)
    {
        KeyBuilder.ValidateUser(user);
        var session = _store.RentSession();
        try
        {
            return (int)ReadState(session, user).Count;
        }
        finally
        {
            _store.ReturnSession(session);
        }
    }

    public IReadOnlyList<OfflineMessage> ReadAll(ReadOnlySpan<byte> user)
    {
        KeyBuilder.ValidateUser(user);
        var session = _store.RentSession();
        try
        {
            var state = ReadState(session, user);
            if (state.Count == 0)
                return [];
            var messages = new List<OfflineMessage>((int)state.Count);
            Span<byte> key = stackalloc byte[KeyBuilder.SizeOf(user, sizeof(long))];
            for (var sequence = state.Head; sequence < state.Tail; sequence++)
            {
                if (!session.TryRead(KeyBuilder.Write(key, RecordKind.OfflineMessage, user, sequence), out var value))
                    continue;
                if (value.Length < 2 || value[0] != RecordTag.OfflineMessageV1)
                    Throw.BadRecord(RecordKind.OfflineMessage, "unexpected tag");
                messages.Add(new OfflineMessage(sequence, value[1..].ToArray()));
            }
            return messages;
        }
        finally
        {
            _store.ReturnSession(session);
        }
    }

    public ValueTask DeleteThroughAsync(ReadOnlyMemory<byte> user, long sequence) => Delete(user, sequence, dropState: false);

    public ValueTask DeleteAllAsync(ReadOnlyMemory<byte> user) => Delete(user, long.MaxValue - 1, dropState: true);

    private ValueTask Delete(ReadOnlyMemory<byte> user, long through, bool dropState)
    {
        KeyBuilder.ValidateUser(user.Span);
        var owner = user.Span;
        var session = _store.RentSession();
        long address = 0;
        try
        {
            lock (_store.LockFor(owner))
            {
                var state = ReadState(session, owner);
                var newHead = Math.Min(through + 1, state.Tail);
                Span<byte> key = stackalloc byte[KeyBuilder.SizeOf(owner, sizeof(long))];
                for (var sequence = state.Head; sequence < newHead; sequence++)
                {
                    // Messages go first and the state last: a crash in between leaves delivered messages that
                    // reads skip over, never a state pointing past messages that still exist.
                    session.Batch.Delete(KeyBuilder.Write(key, RecordKind.OfflineMessage, owner, sequence));
                    if (session.Batch.Length >= WalBatch.ChunkBytes)
                        address = _store.Commit(session);
                }

                if (newHead > state.Head || dropState)
                {
                    Span<byte> stateKey = stackalloc byte[KeyBuilder.SizeOf(owner)];
                    KeyBuilder.Write(stateKey, RecordKind.OfflineState, owner);
                    if (dropState)
                    {
                        session.Batch.Delete(stateKey);
                    }
                    else
                    {
                        state.Head = newHead;
                        FixedRecord.Upsert(session.Batch, stateKey, RecordTag.OfflineStateV1, in state);
                    }
                    address = _store.Commit(session);
                }
            }
        }
        finally
        {
            _store.ReturnSession(session);
        }

        return _store.WhenDurable(address);
    }

    private static OfflineQueueState ReadState(StoreSession session, ReadOnlySpan<byte> user)
    {
        Span<byte> key = stackalloc byte[KeyBuilder.SizeOf(user)];
        return FixedRecord.TryRead(session, KeyBuilder.Write(key, RecordKind.OfflineState, user), RecordKind.OfflineState, RecordTag.OfflineStateV1, out OfflineQueueState state)
            ? state
            : OfflineQueueState.Empty;
    }

    private static void WriteState(StoreSession session, ReadOnlySpan<byte> user, in OfflineQueueState state)
    {
        Span<byte> key = stackalloc byte[KeyBuilder.SizeOf(user)];
        FixedRecord.Upsert(session.Batch, KeyBuilder.Write(key, RecordKind.OfflineState, user), RecordTag.OfflineStateV1, in state);
    }
}
