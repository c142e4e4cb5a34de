using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Cluster.Store;

/// <summary>
/// The message archive and PEP have no Garnet-backed store yet, so a cluster node runs without the mam and pep
/// modules (the module catalog leaves them out and refuses them by name). Nothing is ever written here; account
/// deletion's clean-up finds nothing to delete, reads find nothing, and a write is a programming error.
/// </summary>
internal sealed class ClusterUnsupportedArchiveStore : IArchiveStore
{
    public static readonly ClusterUnsupportedArchiveStore Instance = new();

    public int MaxMessageBytes => 0;

    public ArchiveSpace Space => default;

    public ArchiveAppendResult Append(ReadOnlySpan<byte> owner, ReadOnlySpan<byte> peer, ReadOnlySpan<byte> peerDetail, long timestampUs, ReadOnlySpan<byte> message)
        => throw Unsupported();

    public bool IsDurable(long position) => true;

    public bool NotifyWhenDurable(long position, IDurabilityListener listener) => false;

    public ValueTask WhenDurableAsync(long position) => ValueTask.CompletedTask;

    public ValueTask<ArchivePage> QueryAsync(ReadOnlyMemory<byte> owner, ArchiveQuery query) => throw Unsupported();

    public ValueTask DeleteAllAsync(ReadOnlyMemory<byte> owner) => ValueTask.CompletedTask;

    public ValueTask<long> ExpireBeforeAsync(DateTimeOffset threshold) => ValueTask.FromResult(0L);

    internal static NotSupportedException Unsupported()
        => new("The message archive and PEP are not available in cluster mode (no Garnet-backed store yet).");
}

/// <inheritdoc cref="ClusterUnsupportedArchiveStore"/>
internal sealed class ClusterUnsupportedPepStore : IPepStore
{
    public static readonly ClusterUnsupportedPepStore Instance = new();

    public IReadOnlyList<byte[]> GetNodes(ReadOnlySpan<byte> owner) => [];

    public PepNodeRecord? GetNode(ReadOnlySpan<byte> owner, ReadOnlySpan<byte> node) => null;

    public byte[]? GetItem(ReadOnlySpan<byte> owner, ReadOnlySpan<byte> node, ReadOnlySpan<byte> itemId) => null;

    public ValueTask<IReadOnlyList<byte[]>> SetNodeAsync(ReadOnlyMemory<byte> owner, ReadOnlyMemory<byte> node, ReadOnlyMemory<byte> configuration, int maxItems)
        => throw ClusterUnsupportedArchiveStore.Unsupported();

    public ValueTask<IReadOnlyList<byte[]>> PublishAsync(ReadOnlyMemory<byte> owner, ReadOnlyMemory<byte> node, ReadOnlyMemory<byte> configuration, ReadOnlyMemory<byte> itemId, ReadOnlyMemory<byte> item, int maxItems)
        => throw ClusterUnsupportedArchiveStore.Unsupported();

    public ValueTask<bool> RetractAsync(ReadOnlyMemory<byte> owner, ReadOnlyMemory<byte> node, ReadOnlyMemory<byte> itemId)
        => throw ClusterUnsupportedArchiveStore.Unsupported();

    public ValueTask<bool> DeleteNodeAsync(ReadOnlyMemory<byte> owner, ReadOnlyMemory<byte> node)
        => throw ClusterUnsupportedArchiveStore.Unsupported();

    public ValueTask DeleteAllAsync(ReadOnlyMemory<byte> owner) => ValueTask.CompletedTask;
}
