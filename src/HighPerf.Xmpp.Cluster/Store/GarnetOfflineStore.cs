using System.Buffers.Text;
using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Cluster.Store;

/// <summary>
/// Offline messages (XEP-0160): a list per user whose entries are <c>{sequence}:{stanza}</c> and a sequence counter.
/// The append script checks the cap and numbers the message in one step, so appends from several nodes for one user
/// neither exceed the cap nor share a number; delivery deletes from the head through the last delivered number.
/// </summary>
internal sealed class GarnetOfflineStore(GarnetDataStore store) : IOfflineStore
{
    public async ValueTask<OfflineAppendResult> AppendAsync(ReadOnlyMemory<byte> user, ReadOnlyMemory<byte> stanza)
    {
        StoreKeys.ValidateUser(user.Span);
        if (stanza.IsEmpty)
        {
            throw new ArgumentException("The stanza is empty.", nameof(stanza));
        }

        store.ValidateValue(1 + stanza.Length, nameof(stanza));
        var result = await store.Database.ScriptEvaluateAsync(
            StoreScripts.OfflineAppend,
            [store.Keys.For(user.Span, StoreKeys.Offline), store.Keys.For(user.Span, StoreKeys.OfflineSequence)],
            [store.Options.OfflineMessagesPerUser, stanza]).ConfigureAwait(false);
        store.CountWrite();
        return (long)result < 0 ? OfflineAppendResult.Full : OfflineAppendResult.Stored;
    }

    public int Count(ReadOnlySpan<byte> user)
    {
        StoreKeys.ValidateUser(user);
        return (int)store.Database.ListLength(store.Keys.For(user, StoreKeys.Offline));
    }

    public IReadOnlyList<OfflineMessage> ReadAll(ReadOnlySpan<byte> user)
    {
        StoreKeys.ValidateUser(user);
        var entries = store.Database.ListRange(store.Keys.For(user, StoreKeys.Offline));
        if (entries.Length == 0)
        {
            return [];
        }

        var messages = new List<OfflineMessage>(entries.Length);
        foreach (var entry in entries)
        {
            var bytes = ((byte[])entry!).AsSpan();
            var colon = bytes.IndexOf((byte)':');
            if (colon <= 0 || !Utf8Parser.TryParse(bytes[..colon], out long sequence, out var used) || used != colon || colon == bytes.Length - 1)
            {
                throw new InvalidDataException("Stored offline message is damaged: no sequence number.");
            }

            messages.Add(new OfflineMessage(sequence, bytes[(colon + 1)..].ToArray()));
        }

        return messages;
    }

    public async ValueTask DeleteThroughAsync(ReadOnlyMemory<byte> user, long sequence)
    {
        StoreKeys.ValidateUser(user.Span);
        await store.Database.ScriptEvaluateAsync(
            StoreScripts.OfflineDeleteThrough, [store.Keys.For(user.Span, StoreKeys.Offline)], [sequence]).ConfigureAwait(false);
        store.CountWrite();
    }

    public async ValueTask DeleteAllAsync(ReadOnlyMemory<byte> user)
    {
        StoreKeys.ValidateUser(user.Span);
        await store.Database.KeyDeleteAsync(
            [store.Keys.For(user.Span, StoreKeys.Offline), store.Keys.For(user.Span, StoreKeys.OfflineSequence)]).ConfigureAwait(false);
        store.CountWrite();
    }
}
