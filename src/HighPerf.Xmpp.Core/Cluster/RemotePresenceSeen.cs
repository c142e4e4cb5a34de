using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Collections;

namespace HighPerf.Xmpp.Core.Cluster;

/// <summary>
/// Which sessions of other nodes this node's sessions were told are available (by a broadcast or a probe answer that
/// came over a link), and to whom: when such a node dies, each node sends the unavailable presence its own sessions
/// are owed (RFC 6121 §4.5.2: the dead node cannot), so nobody gets it twice and nobody needs the dead node's roster.
/// Keyed by node, then by the source's full JID; an unavailable broadcast from a source forgets it. Recipients are
/// kept as the presence frame lists them; one that ended meanwhile is skipped at the node's death. A status update
/// to recipients already known allocates nothing. Thread-safe (one lock; node links deliver from their loops).
/// </summary>
public sealed class RemotePresenceSeen
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Dictionary<byte[], Seen>> _byNode = new(StringComparer.Ordinal);

    /// <summary>Sources known available, over all nodes (for tests and the stats).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                var count = 0;
                foreach (var sources in _byNode.Values)
                {
                    count += sources.Count;
                }

                return count;
            }
        }
    }

    /// <summary>Node <paramref name="nodeId"/>'s session <paramref name="sourceFull"/> is available for the recipients
    /// listed in <paramref name="entries"/> (presence-frame format).</summary>
    public void Available(string nodeId, ReadOnlySpan<byte> sourceFull, ReadOnlySpan<byte> fromAttribute, int count, ReadOnlySpan<byte> entries)
    {
        lock (_gate)
        {
            if (!_byNode.TryGetValue(nodeId, out var sources))
            {
                sources = new Dictionary<byte[], Seen>(Utf8KeyComparer.Instance);
                _byNode[nodeId] = sources;
            }

            var lookup = sources.GetAlternateLookup<ReadOnlySpan<byte>>();
            if (!lookup.TryGetValue(sourceFull, out var seen))
            {
                seen = new Seen(fromAttribute.ToArray());
                sources[sourceFull.ToArray()] = seen;
            }

            var rest = entries;
            for (var i = 0; i < count; i++)
            {
                var before = rest;
                if (!NodePresenceFrame.TryNextRecipient(ref rest, out _, out _))
                {
                    break;
                }

                seen.Add(before[..(before.Length - rest.Length)]);
            }
        }
    }

    /// <summary>The source went unavailable (it broadcast so, or its session ended).</summary>
    public void Unavailable(string nodeId, ReadOnlySpan<byte> sourceFull)
    {
        lock (_gate)
        {
            if (_byNode.TryGetValue(nodeId, out var sources))
            {
                sources.GetAlternateLookup<ReadOnlySpan<byte>>().Remove(sourceFull);
            }
        }
    }

    /// <summary>Takes everything known about a node that died: each source's full JID, from attribute and recipients
    /// (presence-frame entries, one pooled writer per source: the caller disposes them).</summary>
    public List<(byte[] SourceFull, byte[] FromAttribute, int Count, PooledBufferWriter Entries)> TakeNode(string nodeId)
    {
        Dictionary<byte[], Seen>? sources;
        lock (_gate)
        {
            if (!_byNode.Remove(nodeId, out sources))
            {
                return [];
            }
        }

        var taken = new List<(byte[], byte[], int, PooledBufferWriter)>(sources.Count);
        foreach (var (source, seen) in sources)
        {
            var writer = new PooledBufferWriter(256);
            foreach (var entry in seen.Recipients)
            {
                writer.Write(entry);
            }

            taken.Add((source, seen.FromAttribute, seen.Recipients.Count, writer));
        }

        return taken;
    }

    private sealed class Seen(byte[] fromAttribute)
    {
        public byte[] FromAttribute { get; } = fromAttribute;

        public List<byte[]> Recipients { get; } = new(2);

        public void Add(ReadOnlySpan<byte> entry)
        {
            foreach (var known in Recipients)
            {
                if (known.AsSpan().SequenceEqual(entry))
                {
                    return;
                }
            }

            Recipients.Add(entry.ToArray());
        }
    }
}
