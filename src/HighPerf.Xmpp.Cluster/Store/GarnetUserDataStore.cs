using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Cluster.Store;

/// <summary>Per-user documents (private XML, vCards, blocking lists, push registrations, MUC rooms): a hash per user, field = document key.</summary>
internal sealed class GarnetUserDataStore(GarnetDataStore store) : IUserDataStore
{
    public byte[]? Get(ReadOnlySpan<byte> user, ReadOnlySpan<byte> key)
    {
        StoreKeys.ValidateUser(user);
        StoreKeys.ValidateSuffix(key, nameof(key));
        var value = store.Database.HashGet(store.Keys.For(user, StoreKeys.Documents), key.ToArray());
        return value.IsNull ? null : (byte[])value!;
    }

    public async ValueTask SetAsync(ReadOnlyMemory<byte> user, ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value)
    {
        StoreKeys.ValidateUser(user.Span);
        StoreKeys.ValidateSuffix(key.Span, nameof(key));
        store.ValidateValue(1 + value.Length, nameof(value));
        await store.Database.HashSetAsync(store.Keys.For(user.Span, StoreKeys.Documents), key.ToArray(), value).ConfigureAwait(false);
        store.CountWrite();
    }

    public async ValueTask<bool> DeleteAsync(ReadOnlyMemory<byte> user, ReadOnlyMemory<byte> key)
    {
        StoreKeys.ValidateUser(user.Span);
        StoreKeys.ValidateSuffix(key.Span, nameof(key));
        var deleted = await store.Database.HashDeleteAsync(store.Keys.For(user.Span, StoreKeys.Documents), key.ToArray()).ConfigureAwait(false);
        store.CountWrite();
        return deleted;
    }

    public async ValueTask DeleteAllAsync(ReadOnlyMemory<byte> user)
    {
        StoreKeys.ValidateUser(user.Span);
        await store.Database.KeyDeleteAsync(store.Keys.For(user.Span, StoreKeys.Documents)).ConfigureAwait(false);
        store.CountWrite();
    }
}
