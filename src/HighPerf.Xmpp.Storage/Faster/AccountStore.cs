using System.Runtime.CompilerServices;
using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Storage.Faster;

/// <summary>
/// Accounts: one record per bare JID, value <c>[tag][AccountRecord]</c> (the struct's bytes, fixed size).
/// <see cref="TryGet"/> is the login path: a pooled session, a stack key, a read into the session's pinned
/// buffer and a struct copy — no allocation and no lock.
/// </summary>
internal sealed class AccountStore : IAccountStore
{
    private readonly FasterStore _store;

    public AccountStore(FasterStore store) => _store = store;

    [SkipLocalsInit]
    public bool TryGet(ReadOnlySpan<byte> user, out AccountRecord record)
    {
        if (!KeyBuilder.IsValidUser(user))
        {
            record = default;
            return false;
        }

        Span<byte> key = stackalloc byte[KeyBuilder.SizeOf(user)];
        KeyBuilder.Write(key, RecordKind.Account, user);
        var session = _store.RentSession();
        try
        {
            return FixedRecord.TryRead(session, key, RecordKind.Account, RecordTag.AccountV1, out record);
        }
        finally
        {
            _store.ReturnSession(session);
        }
    }

    public ValueTask<bool> CreateAsync(ReadOnlyMemory<byte> user, AccountRecord record) => Write(user, record, mustExist: false);

    public ValueTask<bool> UpdateAsync(ReadOnlyMemory<byte> user, AccountRecord record) => Write(user, record, mustExist: true);

    public ValueTask<bool> DeleteAsync(ReadOnlyMemory<byte> user)
    {
        KeyBuilder.ValidateUser(user.Span);
        Span<byte> key = stackalloc byte[KeyBuilder.SizeOf(user.Span)];
        KeyBuilder.Write(key, RecordKind.Account, user.Span);
        var session = _store.RentSession();
        long address = 0;
        var deleted = false;
        try
        {
            lock (_store.LockFor(user.Span))
            {
                deleted = session.TryRead(key, out _);
                if (deleted)
                {
                    session.Batch.Delete(key);
                    address = _store.Commit(session);
                }
            }
        }
        finally
        {
            _store.ReturnSession(session);
        }

        return _store.WhenDurable(deleted, address);
    }

    private ValueTask<bool> Write(ReadOnlyMemory<byte> user, AccountRecord record, bool mustExist)
    {
        KeyBuilder.ValidateUser(user.Span);
        if (record.SaltLength > SaltCapacity)
            throw new ArgumentException($"SaltLength is {record.SaltLength}; at most {SaltCapacity} bytes are stored.", nameof(record));
        Span<byte> key = stackalloc byte[KeyBuilder.SizeOf(user.Span)];
        KeyBuilder.Write(key, RecordKind.Account, user.Span);
        var session = _store.RentSession();
        long address = 0;
        bool written;
        try
        {
            lock (_store.LockFor(user.Span))
            {
                written = session.TryRead(key, out _) == mustExist;
                if (written)
                {
                    FixedRecord.Upsert(session.Batch, key, RecordTag.AccountV1, in record);
                    address = _store.Commit(session);
                }
            }
        }
        finally
        {
            _store.ReturnSession(session);
        }

        return _store.WhenDurable(written, address);
    }

    private static int SaltCapacity => Unsafe.SizeOf<SaltBuffer>();
}
