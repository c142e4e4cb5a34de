using HighPerf.Xmpp.Storage.Abstractions;
using HighPerf.Xmpp.Storage.Faster;
using StackExchange.Redis;

namespace HighPerf.Xmpp.Cluster.Store;

/// <summary>
/// Rosters: a hash per user (contact JID → item in <see cref="RosterItemCodec"/>'s layout) and a version counter. A set
/// or remove is one script that changes the item and the counter together. Several nodes write one user's roster, so
/// the roster module changes items with <see cref="ReplaceAsync"/> (a compare-and-set on the encoded item) and
/// announces each change to the other nodes (<see cref="GarnetRosterFeed"/>).
/// </summary>
internal sealed class GarnetRosterStore(GarnetDataStore store) : IRosterStore, ISharedRosterStore
{
    private readonly GarnetRosterFeed _feed = new(store);

    public IReadOnlyList<RosterItemRecord> GetAll(ReadOnlySpan<byte> user)
    {
        StoreKeys.ValidateUser(user);
        var entries = store.Database.HashGetAll(store.Keys.For(user, StoreKeys.Roster));
        if (entries.Length == 0)
        {
            return [];
        }

        var items = new List<RosterItemRecord>(entries.Length);
        foreach (var entry in entries)
        {
            items.Add(RosterItemCodec.Read((byte[])entry.Name!, (byte[])entry.Value!));
        }

        return items;
    }

    public RosterItemRecord? Get(ReadOnlySpan<byte> user, ReadOnlySpan<byte> contact)
    {
        StoreKeys.ValidateUser(user);
        StoreKeys.ValidateSuffix(contact, nameof(contact));
        using var value = store.Database.HashGetLease(store.Keys.For(user, StoreKeys.Roster), contact.ToArray());
        return value is null ? null : RosterItemCodec.Read(contact, value.Span);
    }

    public long GetVersion(ReadOnlySpan<byte> user)
    {
        StoreKeys.ValidateUser(user);
        var value = store.Database.StringGet(store.Keys.For(user, StoreKeys.RosterVersion));
        return value.IsNull ? 0 : (long)value;
    }

    public async ValueTask<long> SetAsync(ReadOnlyMemory<byte> user, RosterItemRecord item)
    {
        ArgumentNullException.ThrowIfNull(item);
        StoreKeys.ValidateUser(user.Span);
        StoreKeys.ValidateSuffix(item.Jid, nameof(item));
        var size = RosterItemCodec.SizeOf(item);
        store.ValidateValue(size, nameof(item));
        var value = new byte[size];
        RosterItemCodec.Write(item, value);
        var result = await store.Database.ScriptEvaluateAsync(
            StoreScripts.RosterSet,
            [store.Keys.For(user.Span, StoreKeys.Roster), store.Keys.For(user.Span, StoreKeys.RosterVersion)],
            [item.Jid, value]).ConfigureAwait(false);
        store.CountWrite();
        return (long)result;
    }

    public async ValueTask<long> RemoveAsync(ReadOnlyMemory<byte> user, ReadOnlyMemory<byte> contact)
    {
        StoreKeys.ValidateUser(user.Span);
        StoreKeys.ValidateSuffix(contact.Span, nameof(contact));
        var result = await store.Database.ScriptEvaluateAsync(
            StoreScripts.RosterRemove,
            [store.Keys.For(user.Span, StoreKeys.Roster), store.Keys.For(user.Span, StoreKeys.RosterVersion)],
            [contact.ToArray()]).ConfigureAwait(false);
        store.CountWrite();
        return (long)result;
    }

    public async ValueTask DeleteAllAsync(ReadOnlyMemory<byte> user)
    {
        StoreKeys.ValidateUser(user.Span);
        await store.Database.KeyDeleteAsync(
            [store.Keys.For(user.Span, StoreKeys.Roster), store.Keys.For(user.Span, StoreKeys.RosterVersion)]).ConfigureAwait(false);
        store.CountWrite();
    }

    public async ValueTask<long> ReplaceAsync(ReadOnlyMemory<byte> user, ReadOnlyMemory<byte> contact, RosterItemRecord? expected, RosterItemRecord? next)
    {
        StoreKeys.ValidateUser(user.Span);
        StoreKeys.ValidateSuffix(contact.Span, nameof(contact));
        var result = await store.Database.ScriptEvaluateAsync(
            StoreScripts.RosterReplace,
            [store.Keys.For(user.Span, StoreKeys.Roster), store.Keys.For(user.Span, StoreKeys.RosterVersion)],
            [contact.ToArray(), Encode(expected), Encode(next)]).ConfigureAwait(false);
        store.CountWrite();
        return (long)result;
    }

    public (RosterItemRecord? Item, long Version) Read(ReadOnlySpan<byte> user, ReadOnlySpan<byte> contact)
    {
        StoreKeys.ValidateUser(user);
        StoreKeys.ValidateSuffix(contact, nameof(contact));
        var result = (RedisResult[])store.Database.ScriptEvaluate(
            StoreScripts.RosterRead,
            [store.Keys.For(user, StoreKeys.Roster), store.Keys.For(user, StoreKeys.RosterVersion)],
            [contact.ToArray()])!;
        var item = (byte[]?)result[1];
        return (item is null ? null : RosterItemCodec.Read(contact, item), (long)result[0]);
    }

    public void Announce(ReadOnlySpan<byte> user, ReadOnlySpan<byte> contact, ReadOnlySpan<byte> delivered)
        => _feed.Announce(user, contact, delivered);

    public void OnChanged(RosterChangedHandler handler) => _feed.OnChanged(handler);

    // Both the command and the pub/sub connection come back after an engine restart, in either order: the handler
    // runs for each (it compares, so a second run finds nothing to do), off the client's own threads.
    public void OnReconnected(Action handler)
        => store.Connection.ConnectionRestored += (_, _) => ThreadPool.UnsafeQueueUserWorkItem(static h => h(), handler, preferLocal: false);

    private byte[] Encode(RosterItemRecord? item)
    {
        if (item is null)
        {
            return [];
        }

        var size = RosterItemCodec.SizeOf(item);
        store.ValidateValue(size, nameof(item));
        var value = new byte[size];
        RosterItemCodec.Write(item, value);
        return value;
    }
}
