using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Storage.Faster;

/// <summary>
/// Opaque per-user documents (XEP-0049 private XML by namespace, XEP-0054 vCard): one record per
/// (user, key) holding <c>[tag][bytes]</c>, plus one index record per user listing the user's keys so that
/// account deletion can find them (FASTER's hash index cannot enumerate a key prefix).
/// </summary>
internal sealed class UserDataStore : IUserDataStore
{
    private readonly FasterStore _store;

    public UserDataStore(FasterStore store) => _store = store;

    public byte[]? Get(ReadOnlySpan<byte> user, ReadOnlySpan<byte> key)
    {
        KeyBuilder.ValidateUser(user);
        KeyBuilder.ValidateSuffix(key, nameof(key));
        Span<byte> documentKey = stackalloc byte[KeyBuilder.SizeOf(user, key)];
        var session = _store.RentSession();
        try
        {
            if (!session.TryRead(KeyBuilder.Write(documentKey, RecordKind.UserDocument, user, key), out var value))
                return null;
            if (value.IsEmpty || value[0] != RecordTag.UserDocumentV1)
                Throw.BadRecord(RecordKind.UserDocument, "unexpected tag");
            return value[1..].ToArray();
        }
        finally
        {
            _store.ReturnSession(session);
        }
    }

    public ValueTask SetAsync(ReadOnlyMemory<byte> user, ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value)
    {
        KeyBuilder.ValidateUser(user.Span);
        KeyBuilder.ValidateSuffix(key.Span, nameof(key));
        _store.ValidateValue(1 + value.Length, nameof(value));
        var owner = user.Span;
        var name = key.Span;
        var session = _store.RentSession();
        long address;
        try
        {
            lock (_store.LockFor(owner))
            {
                var batch = session.Batch;
                Span<byte> indexKey = stackalloc byte[KeyBuilder.SizeOf(owner)];
                KeyBuilder.Write(indexKey, RecordKind.UserDocumentIndex, owner);
                var list = ReadIndex(session, indexKey);
                if (!ByteStringList.Contains(list, name))
                {
                    var size = 1 + ByteStringList.SizeWith(list, name);
                    var destination = batch.BeginUpsert(indexKey, size);
                    destination[0] = RecordTag.UserDocumentIndexV1;
                    ByteStringList.WriteWith(list, name, destination[1..]);
                    batch.EndUpsert(size);
                }

                Span<byte> documentKey = stackalloc byte[KeyBuilder.SizeOf(owner, name)];
                var document = batch.BeginUpsert(KeyBuilder.Write(documentKey, RecordKind.UserDocument, owner, name), 1 + value.Length);
                document[0] = RecordTag.UserDocumentV1;
                value.Span.CopyTo(document[1..]);
                batch.EndUpsert(1 + value.Length);
                address = _store.Commit(session);
            }
        }
        finally
        {
            _store.ReturnSession(session);
        }

        return _store.WhenDurable(address);
    }

    public ValueTask<bool> DeleteAsync(ReadOnlyMemory<byte> user, ReadOnlyMemory<byte> key)
    {
        KeyBuilder.ValidateUser(user.Span);
        KeyBuilder.ValidateSuffix(key.Span, nameof(key));
        var owner = user.Span;
        var name = key.Span;
        var session = _store.RentSession();
        long address = 0;
        var deleted = false;
        try
        {
            lock (_store.LockFor(owner))
            {
                Span<byte> indexKey = stackalloc byte[KeyBuilder.SizeOf(owner)];
                KeyBuilder.Write(indexKey, RecordKind.UserDocumentIndex, owner);
                var list = ReadIndex(session, indexKey);
                deleted = ByteStringList.Contains(list, name);
                if (deleted)
                {
                    var batch = session.Batch;
                    var size = 1 + list.Length - 2 - name.Length;
                    if (size == 1)
                    {
                        batch.Delete(indexKey);
                    }
                    else
                    {
                        var destination = batch.BeginUpsert(indexKey, size);
                        destination[0] = RecordTag.UserDocumentIndexV1;
                        ByteStringList.WriteWithout(list, name, destination[1..]);
                        batch.EndUpsert(size);
                    }

                    Span<byte> documentKey = stackalloc byte[KeyBuilder.SizeOf(owner, name)];
                    batch.Delete(KeyBuilder.Write(documentKey, RecordKind.UserDocument, owner, name));
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

    public ValueTask DeleteAllAsync(ReadOnlyMemory<byte> user)
    {
        KeyBuilder.ValidateUser(user.Span);
        var owner = user.Span;
        var session = _store.RentSession();
        long address = 0;
        try
        {
            lock (_store.LockFor(owner))
            {
                Span<byte> indexKey = stackalloc byte[KeyBuilder.SizeOf(owner)];
                KeyBuilder.Write(indexKey, RecordKind.UserDocumentIndex, owner);
                var list = ReadIndex(session, indexKey);
                if (!list.IsEmpty)
                {
                    var documentKey = new byte[KeyBuilder.SizeOf(owner, KeyBuilder.MaxSuffixBytes)];
                    foreach (var name in new ByteStringList.Enumerator(list))
                        session.Batch.Delete(KeyBuilder.Write(documentKey, RecordKind.UserDocument, owner, name));
                    session.Batch.Delete(indexKey);
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

    // The returned span lives in the session's read buffer: valid until the next read.
    private static ReadOnlySpan<byte> ReadIndex(StoreSession session, ReadOnlySpan<byte> indexKey)
    {
        if (!session.TryRead(indexKey, out var value))
            return default;
        if (value.IsEmpty || value[0] != RecordTag.UserDocumentIndexV1)
            Throw.BadRecord(RecordKind.UserDocumentIndex, "unexpected tag");
        return value[1..];
    }
}
