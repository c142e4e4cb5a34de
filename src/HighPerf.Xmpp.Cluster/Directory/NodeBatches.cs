using HighPerf.Xmpp.Core.Buffers;

namespace HighPerf.Xmpp.Cluster.Directory;

/// <summary>
/// The per-node lists one cross-node presence broadcast or probe round builds: a pooled writer per node that has a
/// recipient, created on the first one (a broadcast with no recipient elsewhere allocates nothing). A cluster has
/// few nodes, so a list searched linearly is the map.
/// </summary>
internal struct NodeBatches : IDisposable
{
    private List<NodeBatch>? _batches;

    public readonly IReadOnlyList<NodeBatch> All => (IReadOnlyList<NodeBatch>?)_batches ?? [];

    /// <summary>The entries writer of <paramref name="nodeId"/>'s batch (created on first use).</summary>
    public PooledBufferWriter For(string nodeId, out NodeBatch batch)
    {
        _batches ??= new List<NodeBatch>(2);
        foreach (var existing in _batches)
        {
            if (existing.NodeId == nodeId)
            {
                batch = existing;
                return existing.Entries;
            }
        }

        batch = new NodeBatch(nodeId);
        _batches.Add(batch);
        return batch.Entries;
    }

    /// <summary>True when <paramref name="contact"/> was the last one added to <paramref name="nodeId"/>'s batch (a
    /// contact with several sessions on one node is probed there once).</summary>
    public readonly bool Has(string nodeId, byte[] contact)
    {
        if (_batches is null)
        {
            return false;
        }

        foreach (var existing in _batches)
        {
            if (existing.NodeId == nodeId)
            {
                return ReferenceEquals(existing.Last, contact);
            }
        }

        return false;
    }

    public readonly void Dispose()
    {
        if (_batches is null)
        {
            return;
        }

        foreach (var batch in _batches)
        {
            batch.Entries.Dispose();
        }
    }
}

/// <summary>One node's recipients in a <see cref="NodeBatches"/>.</summary>
internal sealed class NodeBatch(string nodeId)
{
    public string NodeId { get; } = nodeId;

    public PooledBufferWriter Entries { get; } = new(256);

    public int Count { get; set; }

    public byte[]? Last { get; set; }
}
