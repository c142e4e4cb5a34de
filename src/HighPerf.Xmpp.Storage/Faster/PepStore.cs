using System.Buffers.Binary;
using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Storage.Faster;

/// <summary>
/// Per-account pubsub nodes (XEP-0163): per owner an index record listing the node names; per node a record
/// <c>[tag][configuration length:2][configuration][item ids as a byte-string list, oldest first]</c>; per item a
/// record keyed by (owner, [node length:2][node][item id]) holding <c>[tag][bytes]</c>. A publish rewrites the node
/// record and the item (and deletes the items it pushes out) in one log entry.
/// </summary>
internal sealed class PepStore : IPepStore
{
    /// <summary>Node names and item ids share a key suffix: each is kept under this many bytes.</summary>
    public const int MaxNameBytes = 1023;

    private static readonly IReadOnlyList<byte[]> None = [];
    private readonly FasterStore _store;

    public PepStore(FasterStore store) => _store = store;

    public IReadOnlyList<byte[]> GetNodes(ReadOnlySpan<byte> owner)
    {
        KeyBuilder.ValidateUser(owner);
        Span<byte> indexKey = stackalloc byte[KeyBuilder.SizeOf(owner)];
        var session = _store.RentSession();
        try
        {
            return ToList(ReadIndex(session, KeyBuilder.Write(indexKey, RecordKind.PepNodeIndex, owner)));
        }
        finally
        {
            _store.ReturnSession(session);
        }
    }

    public PepNodeRecord? GetNode(ReadOnlySpan<byte> owner, ReadOnlySpan<byte> node)
    {
        Validate(owner, node);
        Span<byte> nodeKey = stackalloc byte[KeyBuilder.SizeOf(owner, node)];
        var session = _store.RentSession();
        try
        {
            if (!TryReadNode(session, KeyBuilder.Write(nodeKey, RecordKind.PepNode, owner, node), out var configuration, out var ids))
                return null;
            return new PepNodeRecord(configuration.ToArray(), ToList(ids));
        }
        finally
        {
            _store.ReturnSession(session);
        }
    }

    public byte[]? GetItem(ReadOnlySpan<byte> owner, ReadOnlySpan<byte> node, ReadOnlySpan<byte> itemId)
    {
        Validate(owner, node);
        ValidateName(itemId, nameof(itemId));
        Span<byte> itemKey = stackalloc byte[ItemKeySize(owner, node, itemId)];
        var session = _store.RentSession();
        try
        {
            if (!session.TryRead(WriteItemKey(itemKey, owner, node, itemId), out var value))
                return null;
            if (value.IsEmpty || value[0] != RecordTag.PepItemV1)
                Throw.BadRecord(RecordKind.PepItem, "unexpected tag");
            return value[1..].ToArray();
        }
        finally
        {
            _store.ReturnSession(session);
        }
    }

    public ValueTask<IReadOnlyList<byte[]>> SetNodeAsync(ReadOnlyMemory<byte> owner, ReadOnlyMemory<byte> node, ReadOnlyMemory<byte> configuration, int maxItems)
        => Write(owner, node, configuration, default, default, maxItems, publish: false);

    public ValueTask<IReadOnlyList<byte[]>> PublishAsync(ReadOnlyMemory<byte> owner, ReadOnlyMemory<byte> node, ReadOnlyMemory<byte> configuration, ReadOnlyMemory<byte> itemId, ReadOnlyMemory<byte> item, int maxItems)
    {
        ValidateName(itemId.Span, nameof(itemId));
        _store.ValidateValue(1 + item.Length, nameof(item));
        return Write(owner, node, configuration, itemId, item, maxItems, publish: true);
    }

    public ValueTask<bool> RetractAsync(ReadOnlyMemory<byte> owner, ReadOnlyMemory<byte> node, ReadOnlyMemory<byte> itemId)
    {
        Validate(owner.Span, node.Span);
        ValidateName(itemId.Span, nameof(itemId));
        var session = _store.RentSession();
        long address = 0;
        var removed = false;
        try
        {
            lock (_store.LockFor(owner.Span))
            {
                Span<byte> nodeKey = stackalloc byte[KeyBuilder.SizeOf(owner.Span, node.Span)];
                KeyBuilder.Write(nodeKey, RecordKind.PepNode, owner.Span, node.Span);
                if (TryReadNode(session, nodeKey, out var configuration, out var ids) && ByteStringList.Contains(ids, itemId.Span))
                {
                    removed = true;
                    var batch = session.Batch;
                    var size = 3 + configuration.Length + ids.Length - 2 - itemId.Length;
                    var destination = batch.BeginUpsert(nodeKey, size);
                    var head = WriteNodeHead(destination, configuration);
                    ByteStringList.WriteWithout(ids, itemId.Span, destination[head..]);
                    batch.EndUpsert(size);
                    Span<byte> itemKey = stackalloc byte[ItemKeySize(owner.Span, node.Span, itemId.Span)];
                    batch.Delete(WriteItemKey(itemKey, owner.Span, node.Span, itemId.Span));
                    address = _store.Commit(session);
                }
            }
        }
        finally
        {
            _store.ReturnSession(session);
        }

        return _store.WhenDurable(removed, address);
    }

    public ValueTask<bool> DeleteNodeAsync(ReadOnlyMemory<byte> owner, ReadOnlyMemory<byte> node)
    {
        Validate(owner.Span, node.Span);
        var session = _store.RentSession();
        long address = 0;
        var deleted = false;
        try
        {
            lock (_store.LockFor(owner.Span))
            {
                deleted = DeleteNodeLocked(session, owner.Span, node.Span, updateIndex: true);
                address = _store.Commit(session);
            }
        }
        finally
        {
            _store.ReturnSession(session);
        }

        return _store.WhenDurable(deleted, address);
    }

    public ValueTask DeleteAllAsync(ReadOnlyMemory<byte> owner)
    {
        KeyBuilder.ValidateUser(owner.Span);
        var session = _store.RentSession();
        long address = 0;
        try
        {
            lock (_store.LockFor(owner.Span))
            {
                Span<byte> indexKey = stackalloc byte[KeyBuilder.SizeOf(owner.Span)];
                KeyBuilder.Write(indexKey, RecordKind.PepNodeIndex, owner.Span);
                foreach (var node in ToList(ReadIndex(session, indexKey)))
                    DeleteNodeLocked(session, owner.Span, node, updateIndex: false);
                session.Batch.Delete(indexKey);
                address = _store.Commit(session);
            }
        }
        finally
        {
            _store.ReturnSession(session);
        }

        return _store.WhenDurable(address);
    }

    private ValueTask<IReadOnlyList<byte[]>> Write(ReadOnlyMemory<byte> owner, ReadOnlyMemory<byte> node, ReadOnlyMemory<byte> configuration, ReadOnlyMemory<byte> itemId, ReadOnlyMemory<byte> item, int maxItems, bool publish)
    {
        Validate(owner.Span, node.Span);
        ArgumentOutOfRangeException.ThrowIfNegative(maxItems);
        var session = _store.RentSession();
        long address;
        List<byte[]> dropped = [];
        try
        {
            lock (_store.LockFor(owner.Span))
            {
                var user = owner.Span;
                var name = node.Span;
                var batch = session.Batch;
                Span<byte> nodeKey = stackalloc byte[KeyBuilder.SizeOf(user, name)];
                KeyBuilder.Write(nodeKey, RecordKind.PepNode, user, name);
                List<byte[]> ids;
                ReadOnlySpan<byte> config = configuration.Span;
                if (TryReadNode(session, nodeKey, out var storedConfiguration, out var storedIds))
                {
                    ids = ToList(storedIds);
                    if (publish)
                        config = storedConfiguration.ToArray(); // a publish keeps the node's configuration
                }
                else
                {
                    ids = [];
                    AddToIndex(session, user, name);
                }

                var republished = false;
                if (publish)
                {
                    republished = ids.RemoveAll(id => id.AsSpan().SequenceEqual(itemId.Span)) > 0;
                    ids.Add(itemId.ToArray());
                }

                var keep = Math.Max(ids.Count - maxItems, 0);
                dropped.AddRange(ids.GetRange(0, keep));
                ids.RemoveRange(0, keep);
                var itemKey = new byte[ItemKeySize(user, name, MaxNameBytes)];
                foreach (var id in dropped)
                    batch.Delete(WriteItemKey(itemKey, user, name, id));
                if (publish && ids.Count > 0)
                {
                    var value = batch.BeginUpsert(WriteItemKey(itemKey, user, name, itemId.Span), 1 + item.Length);
                    value[0] = RecordTag.PepItemV1;
                    item.Span.CopyTo(value[1..]);
                    batch.EndUpsert(1 + item.Length);
                }

                if (publish && !republished)
                {
                    // An item pushed out at once (max_items 0) was never stored: nothing of it is dropped.
                    dropped.RemoveAll(id => id.AsSpan().SequenceEqual(itemId.Span));
                }
                var size = 3 + config.Length;
                foreach (var id in ids)
                    size += 2 + id.Length;
                _store.ValidateValue(size, nameof(configuration));
                var destination = batch.BeginUpsert(nodeKey, size);
                var written = WriteNodeHead(destination, config);
                foreach (var id in ids)
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(destination[written..], (ushort)id.Length);
                    id.CopyTo(destination[(written + 2)..]);
                    written += 2 + id.Length;
                }

                batch.EndUpsert(size);
                address = _store.Commit(session);
            }
        }
        finally
        {
            _store.ReturnSession(session);
        }

        return _store.WhenDurable<IReadOnlyList<byte[]>>(dropped, address);
    }

    private static bool DeleteNodeLocked(StoreSession session, ReadOnlySpan<byte> owner, ReadOnlySpan<byte> node, bool updateIndex)
    {
        Span<byte> nodeKey = stackalloc byte[KeyBuilder.SizeOf(owner, node)];
        KeyBuilder.Write(nodeKey, RecordKind.PepNode, owner, node);
        if (!TryReadNode(session, nodeKey, out _, out var storedIds))
            return false;
        var batch = session.Batch;
        var itemKey = new byte[ItemKeySize(owner, node, MaxNameBytes)];
        foreach (var id in ToList(storedIds))
            batch.Delete(WriteItemKey(itemKey, owner, node, id));
        batch.Delete(nodeKey);
        if (updateIndex)
        {
            Span<byte> indexKey = stackalloc byte[KeyBuilder.SizeOf(owner)];
            KeyBuilder.Write(indexKey, RecordKind.PepNodeIndex, owner);
            var list = ReadIndex(session, indexKey);
            var size = 1 + list.Length - 2 - node.Length;
            if (size <= 1)
            {
                batch.Delete(indexKey);
            }
            else
            {
                var destination = batch.BeginUpsert(indexKey, size);
                destination[0] = RecordTag.PepNodeIndexV1;
                ByteStringList.WriteWithout(list, node, destination[1..]);
                batch.EndUpsert(size);
            }
        }

        return true;
    }

    private static void AddToIndex(StoreSession session, ReadOnlySpan<byte> owner, ReadOnlySpan<byte> node)
    {
        Span<byte> indexKey = stackalloc byte[KeyBuilder.SizeOf(owner)];
        KeyBuilder.Write(indexKey, RecordKind.PepNodeIndex, owner);
        var list = ReadIndex(session, indexKey);
        var size = 1 + ByteStringList.SizeWith(list, node);
        var destination = session.Batch.BeginUpsert(indexKey, size);
        destination[0] = RecordTag.PepNodeIndexV1;
        ByteStringList.WriteWith(list, node, destination[1..]);
        session.Batch.EndUpsert(size);
    }

    private static int WriteNodeHead(Span<byte> destination, ReadOnlySpan<byte> configuration)
    {
        destination[0] = RecordTag.PepNodeV1;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[1..], (ushort)configuration.Length);
        configuration.CopyTo(destination[3..]);
        return 3 + configuration.Length;
    }

    // The spans live in the session's read buffer: valid until the next read.
    private static bool TryReadNode(StoreSession session, ReadOnlySpan<byte> nodeKey, out ReadOnlySpan<byte> configuration, out ReadOnlySpan<byte> ids)
    {
        configuration = default;
        ids = default;
        if (!session.TryRead(nodeKey, out var value))
            return false;
        if (value.Length < 3 || value[0] != RecordTag.PepNodeV1)
            Throw.BadRecord(RecordKind.PepNode, "unexpected tag");
        var length = BinaryPrimitives.ReadUInt16LittleEndian(value[1..]);
        if (value.Length < 3 + length)
            Throw.BadRecord(RecordKind.PepNode, "truncated configuration");
        configuration = value.Slice(3, length);
        ids = value[(3 + length)..];
        return true;
    }

    private static ReadOnlySpan<byte> ReadIndex(StoreSession session, ReadOnlySpan<byte> indexKey)
    {
        if (!session.TryRead(indexKey, out var value))
            return default;
        if (value.IsEmpty || value[0] != RecordTag.PepNodeIndexV1)
            Throw.BadRecord(RecordKind.PepNodeIndex, "unexpected tag");
        return value[1..];
    }

    private static List<byte[]> ToList(ReadOnlySpan<byte> list)
    {
        var result = new List<byte[]>();
        foreach (var entry in new ByteStringList.Enumerator(list))
            result.Add(entry.ToArray());
        return result;
    }

    private static int ItemKeySize(ReadOnlySpan<byte> owner, ReadOnlySpan<byte> node, ReadOnlySpan<byte> itemId) => ItemKeySize(owner, node, itemId.Length);

    private static int ItemKeySize(ReadOnlySpan<byte> owner, ReadOnlySpan<byte> node, int itemIdBytes) => KeyBuilder.SizeOf(owner, 2 + node.Length + itemIdBytes);

    private static Span<byte> WriteItemKey(Span<byte> destination, ReadOnlySpan<byte> owner, ReadOnlySpan<byte> node, ReadOnlySpan<byte> itemId)
    {
        var head = KeyBuilder.Write(destination, RecordKind.PepItem, owner).Length;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[head..], (ushort)node.Length);
        node.CopyTo(destination[(head + 2)..]);
        itemId.CopyTo(destination[(head + 2 + node.Length)..]);
        return destination[..(head + 2 + node.Length + itemId.Length)];
    }

    private static void Validate(ReadOnlySpan<byte> owner, ReadOnlySpan<byte> node)
    {
        KeyBuilder.ValidateUser(owner);
        ValidateName(node, nameof(node));
    }

    private static void ValidateName(ReadOnlySpan<byte> name, string parameter)
    {
        if (name.Length is 0 or > MaxNameBytes)
            Throw.InvalidKey(parameter, MaxNameBytes);
    }
}
