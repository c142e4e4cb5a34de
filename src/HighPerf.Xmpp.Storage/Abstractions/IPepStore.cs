namespace HighPerf.Xmpp.Storage.Abstractions;

/// <summary>
/// Per-account publish-subscribe nodes (XEP-0163 personal eventing): keyed by the owner's bare JID and the
/// node name, each node holds an opaque configuration and its items by id, oldest first. Items are stored as
/// given. Writes complete once durable.
/// </summary>
public interface IPepStore
{
    /// <summary>The owner's node names, in creation order.</summary>
    IReadOnlyList<byte[]> GetNodes(ReadOnlySpan<byte> owner);

    /// <summary>One node (its configuration and item ids), or null when the owner has no such node.</summary>
    PepNodeRecord? GetNode(ReadOnlySpan<byte> owner, ReadOnlySpan<byte> node);

    /// <summary>One item's bytes, or null.</summary>
    byte[]? GetItem(ReadOnlySpan<byte> owner, ReadOnlySpan<byte> node, ReadOnlySpan<byte> itemId);

    /// <summary>
    /// Creates the node (with <paramref name="configuration"/>) or replaces its configuration, then keeps only
    /// its newest <paramref name="maxItems"/> items. Returns the ids of the items it dropped.
    /// </summary>
    ValueTask<IReadOnlyList<byte[]>> SetNodeAsync(ReadOnlyMemory<byte> owner, ReadOnlyMemory<byte> node, ReadOnlyMemory<byte> configuration, int maxItems);

    /// <summary>
    /// Stores an item (replacing one with the same id, which then becomes the newest), creating the node with
    /// <paramref name="configuration"/> when it does not exist, and drops the oldest items beyond
    /// <paramref name="maxItems"/> (0: the item is not kept). Returns the ids of the items it dropped.
    /// </summary>
    ValueTask<IReadOnlyList<byte[]>> PublishAsync(ReadOnlyMemory<byte> owner, ReadOnlyMemory<byte> node, ReadOnlyMemory<byte> configuration, ReadOnlyMemory<byte> itemId, ReadOnlyMemory<byte> item, int maxItems);

    /// <summary>Removes one item; false when the node does not hold it.</summary>
    ValueTask<bool> RetractAsync(ReadOnlyMemory<byte> owner, ReadOnlyMemory<byte> node, ReadOnlyMemory<byte> itemId);

    /// <summary>Removes one node with its items; false when there was no such node.</summary>
    ValueTask<bool> DeleteNodeAsync(ReadOnlyMemory<byte> owner, ReadOnlyMemory<byte> node);

    /// <summary>Removes every node of the owner (account deletion).</summary>
    ValueTask DeleteAllAsync(ReadOnlyMemory<byte> owner);
}

/// <summary>A stored node: its configuration as given and its item ids, oldest first.</summary>
public sealed record PepNodeRecord(byte[] Configuration, IReadOnlyList<byte[]> ItemIds);
