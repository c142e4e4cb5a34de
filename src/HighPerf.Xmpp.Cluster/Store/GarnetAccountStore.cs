using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using HighPerf.Xmpp.Storage.Abstractions;
using StackExchange.Redis;

namespace HighPerf.Xmpp.Cluster.Store;

/// <summary>Accounts: one string per bare JID, <c>[tag][AccountRecord bytes]</c>. Create is SET NX, update SET XX.</summary>
internal sealed class GarnetAccountStore(GarnetDataStore store) : IAccountStore
{
    private const byte TagV1 = 0xA1;

    private static int Size => 1 + Unsafe.SizeOf<AccountRecord>();

    public bool TryGet(ReadOnlySpan<byte> user, out AccountRecord record)
    {
        record = default;
        if (!StoreKeys.IsValidUser(user))
        {
            return false;
        }

        // A lease: the reply's bytes in a pooled buffer, not a new array per login.
        using var value = store.Database.StringGetLease(store.Keys.For(user, StoreKeys.Account));
        if (value is null)
        {
            return false;
        }

        var bytes = value.Span;
        if (bytes.Length != Size || bytes[0] != TagV1)
        {
            throw new InvalidDataException("Stored account record is damaged: unexpected length or tag.");
        }

        record = MemoryMarshal.Read<AccountRecord>(bytes[1..]);
        return true;
    }

    public ValueTask<bool> CreateAsync(ReadOnlyMemory<byte> user, AccountRecord record) => WriteAsync(user, record, When.NotExists);

    public ValueTask<bool> UpdateAsync(ReadOnlyMemory<byte> user, AccountRecord record) => WriteAsync(user, record, When.Exists);

    public async ValueTask<bool> DeleteAsync(ReadOnlyMemory<byte> user)
    {
        StoreKeys.ValidateUser(user.Span);
        var deleted = await store.Database.KeyDeleteAsync(store.Keys.For(user.Span, StoreKeys.Account)).ConfigureAwait(false);
        store.CountWrite();
        return deleted;
    }

    private async ValueTask<bool> WriteAsync(ReadOnlyMemory<byte> user, AccountRecord record, When when)
    {
        StoreKeys.ValidateUser(user.Span);
        if (record.SaltLength > Unsafe.SizeOf<SaltBuffer>())
        {
            throw new ArgumentException($"SaltLength is {record.SaltLength}; at most {Unsafe.SizeOf<SaltBuffer>()} bytes are stored.", nameof(record));
        }

        var value = new byte[Size];
        value[0] = TagV1;
        MemoryMarshal.Write(value.AsSpan(1), in record);
        var written = await store.Database.StringSetAsync(store.Keys.For(user.Span, StoreKeys.Account), value, when: when).ConfigureAwait(false);
        store.CountWrite();
        return written;
    }
}
