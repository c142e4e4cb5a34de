using System.Buffers;
using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Storage.Faster;

/// <summary>
/// Rosters as three record kinds per user: one item record per contact (key suffix = contact JID), the
/// <see cref="RosterIndex"/> buckets listing the contacts, and the <see cref="RosterState"/> header. A set or
/// remove logs one entry with the item, its one bucket and the header: constant-size work whatever the
/// roster's size.
/// </summary>
internal sealed class RosterStore : IRosterStore
{
    private readonly FasterStore _store;

    public RosterStore(FasterStore store) => _store = store;

    public IReadOnlyList<RosterItemRecord> GetAll(ReadOnlySpan<byte> user)
    {
        KeyBuilder.ValidateUser(user);
        var session = _store.RentSession();
        try
        {
            if (!TryReadState(session, user, out var state) || state.Count == 0)
                return [];
            var items = new List<RosterItemRecord>(state.Count);
            Span<byte> bucketKey = stackalloc byte[KeyBuilder.SizeOf(user, sizeof(ushort))];
            for (var bucket = 0; bucket < RosterIndex.Buckets; bucket++)
            {
                if (!state.IsOccupied(bucket)
                    || !session.TryRead(KeyBuilder.Write(bucketKey, RecordKind.RosterBucket, user, (ushort)bucket), out var value))
                    continue;
                CheckTag(value, RecordTag.RosterBucketV1, RecordKind.RosterBucket);

                // The session's read buffer is reused by the item reads below, so the bucket is copied first.
                var contacts = ArrayPool<byte>.Shared.Rent(value.Length);
                try
                {
                    var list = contacts.AsSpan(0, value.Length - 1);
                    value[1..].CopyTo(list);
                    foreach (var contact in new ByteStringList.Enumerator(list))
                    {
                        if (ReadItem(session, user, contact) is { } item)
                            items.Add(item);
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(contacts);
                }
            }
            return items;
        }
        finally
        {
            _store.ReturnSession(session);
        }
    }

    public RosterItemRecord? Get(ReadOnlySpan<byte> user, ReadOnlySpan<byte> contact)
    {
        KeyBuilder.ValidateUser(user);
        KeyBuilder.ValidateSuffix(contact, nameof(contact));
        var session = _store.RentSession();
        try
        {
            return ReadItem(session, user, contact);
        }
        finally
        {
            _store.ReturnSession(session);
        }
    }

    public long GetVersion(ReadOnlySpan<byte> user)
    {
        KeyBuilder.ValidateUser(user);
        var session = _store.RentSession();
        try
        {
            return TryReadState(session, user, out var state) ? state.Version : 0;
        }
        finally
        {
            _store.ReturnSession(session);
        }
    }

    public ValueTask<long> SetAsync(ReadOnlyMemory<byte> user, RosterItemRecord item)
    {
        ArgumentNullException.ThrowIfNull(item);
        KeyBuilder.ValidateUser(user.Span);
        KeyBuilder.ValidateSuffix(item.Jid, nameof(item));
        var itemSize = RosterItemCodec.SizeOf(item);
        _store.ValidateValue(itemSize, nameof(item));
        var owner = user.Span;
        var session = _store.RentSession();
        long address;
        long version;
        try
        {
            lock (_store.LockFor(owner))
            {
                TryReadState(session, owner, out var state);
                var batch = session.Batch;
                Span<byte> itemKey = stackalloc byte[KeyBuilder.SizeOf(owner, item.Jid)];
                KeyBuilder.Write(itemKey, RecordKind.RosterItem, owner, item.Jid);
                RosterItemCodec.Write(item, batch.BeginUpsert(itemKey, itemSize));
                batch.EndUpsert(itemSize);

                var bucket = RosterIndex.BucketOf(item.Jid);
                Span<byte> bucketKey = stackalloc byte[KeyBuilder.SizeOf(owner, sizeof(ushort))];
                KeyBuilder.Write(bucketKey, RecordKind.RosterBucket, owner, bucket);
                var list = state.IsOccupied(bucket) && session.TryRead(bucketKey, out var value)
                    ? CheckTag(value, RecordTag.RosterBucketV1, RecordKind.RosterBucket)[1..]
                    : default;
                if (!ByteStringList.Contains(list, item.Jid))
                {
                    var size = 1 + ByteStringList.SizeWith(list, item.Jid);
                    var destination = batch.BeginUpsert(bucketKey, size);
                    destination[0] = RecordTag.RosterBucketV1;
                    ByteStringList.WriteWith(list, item.Jid, destination[1..]);
                    batch.EndUpsert(size);
                    state.Count++;
                    state.SetOccupied(bucket, true);
                }

                version = ++state.Version;
                WriteState(session, owner, state);
                address = _store.Commit(session);
            }
        }
        finally
        {
            _store.ReturnSession(session);
        }

        return _store.WhenDurable(version, address);
    }

    public ValueTask<long> RemoveAsync(ReadOnlyMemory<byte> user, ReadOnlyMemory<byte> contact)
    {
        KeyBuilder.ValidateUser(user.Span);
        KeyBuilder.ValidateSuffix(contact.Span, nameof(contact));
        var owner = user.Span;
        var jid = contact.Span;
        var session = _store.RentSession();
        long address = 0;
        long version;
        try
        {
            lock (_store.LockFor(owner))
            {
                TryReadState(session, owner, out var state);
                version = state.Version;
                var bucket = RosterIndex.BucketOf(jid);
                Span<byte> bucketKey = stackalloc byte[KeyBuilder.SizeOf(owner, sizeof(ushort))];
                KeyBuilder.Write(bucketKey, RecordKind.RosterBucket, owner, bucket);
                if (state.IsOccupied(bucket) && session.TryRead(bucketKey, out var value)
                    && ByteStringList.Contains(CheckTag(value, RecordTag.RosterBucketV1, RecordKind.RosterBucket)[1..], jid))
                {
                    var batch = session.Batch;
                    var list = value[1..];
                    if (list.Length == 2 + jid.Length)
                    {
                        batch.Delete(bucketKey);
                        state.SetOccupied(bucket, false);
                    }
                    else
                    {
                        var size = 1 + list.Length - 2 - jid.Length;
                        var destination = batch.BeginUpsert(bucketKey, size);
                        destination[0] = RecordTag.RosterBucketV1;
                        ByteStringList.WriteWithout(list, jid, destination[1..]);
                        batch.EndUpsert(size);
                    }

                    Span<byte> itemKey = stackalloc byte[KeyBuilder.SizeOf(owner, jid)];
                    batch.Delete(KeyBuilder.Write(itemKey, RecordKind.RosterItem, owner, jid));
                    state.Count--;
                    version = ++state.Version;
                    WriteState(session, owner, state);
                    address = _store.Commit(session);
                }
            }
        }
        finally
        {
            _store.ReturnSession(session);
        }

        return _store.WhenDurable(version, address);
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
                if (!TryReadState(session, owner, out var state))
                    return default;
                Span<byte> bucketKey = stackalloc byte[KeyBuilder.SizeOf(owner, sizeof(ushort))];
                var itemKey = new byte[KeyBuilder.SizeOf(owner, KeyBuilder.MaxSuffixBytes)];
                for (var bucket = 0; bucket < RosterIndex.Buckets; bucket++)
                {
                    KeyBuilder.Write(bucketKey, RecordKind.RosterBucket, owner, (ushort)bucket);
                    if (!state.IsOccupied(bucket) || !session.TryRead(bucketKey, out var value))
                        continue;

                    // One entry per bucket: its items and itself. A crash between entries leaves a smaller
                    // but consistent roster (the header still names the remaining buckets).
                    foreach (var contact in new ByteStringList.Enumerator(CheckTag(value, RecordTag.RosterBucketV1, RecordKind.RosterBucket)[1..]))
                        session.Batch.Delete(KeyBuilder.Write(itemKey, RecordKind.RosterItem, owner, contact));
                    session.Batch.Delete(bucketKey);
                    address = _store.Commit(session);
                }

                Span<byte> stateKey = stackalloc byte[KeyBuilder.SizeOf(owner)];
                session.Batch.Delete(KeyBuilder.Write(stateKey, RecordKind.RosterState, owner));
                address = _store.Commit(session);
            }
        }
        finally
        {
            _store.ReturnSession(session);
        }

        return _store.WhenDurable(address);
    }

    private static RosterItemRecord? ReadItem(StoreSession session, ReadOnlySpan<byte> user, ReadOnlySpan<byte> contact)
    {
        Span<byte> key = stackalloc byte[KeyBuilder.SizeOf(user, contact)];
        return session.TryRead(KeyBuilder.Write(key, RecordKind.RosterItem, user, contact), out var value)
            ? RosterItemCodec.Read(contact, value)
            : null;
    }

    private static bool TryReadState(StoreSession session, ReadOnlySpan<byte> user, out RosterState state)
    {
        Span<byte> key = stackalloc byte[KeyBuilder.SizeOf(user)];
        return FixedRecord.TryRead(session, KeyBuilder.Write(key, RecordKind.RosterState, user), RecordKind.RosterState, RecordTag.RosterStateV1, out state);
    }

    private static void WriteState(StoreSession session, ReadOnlySpan<byte> user, in RosterState state)
    {
        Span<byte> key = stackalloc byte[KeyBuilder.SizeOf(user)];
        FixedRecord.Upsert(session.Batch, KeyBuilder.Write(key, RecordKind.RosterState, user), RecordTag.RosterStateV1, in state);
    }

    private static ReadOnlySpan<byte> CheckTag(ReadOnlySpan<byte> value, byte tag, RecordKind kind)
    {
        if (value.IsEmpty || value[0] != tag)
            Throw.BadRecord(kind, "unexpected tag");
        return value;
    }
}
