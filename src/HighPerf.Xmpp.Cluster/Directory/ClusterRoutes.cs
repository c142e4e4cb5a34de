using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Cluster;
using HighPerf.Xmpp.Core.Routing;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Cluster.Directory;

/// <summary>
/// The router's view of the other nodes: the session directory says where a user's sessions are (this node's own
/// entries are skipped: its routing table is authoritative for them), the node links carry the stanza there. A
/// directory lookup is a cache hit in steady state (see <see cref="SessionDirectory"/>); a stanza for a remote
/// session costs one copy into the link's held frames and one into its connection's queue.
/// </summary>
public sealed class ClusterRoutes(SessionDirectory directory, NodeLinks links) : IClusterRoutes
{
    public NodeLinks Links => links;

    public bool TryForwardToFull(XmppSession sender, in XmlElement element, ReadOnlySpan<byte> bareJid, ReadOnlySpan<byte> resource)
    {
        ArgumentNullException.ThrowIfNull(sender);
        foreach (var session in directory.Lookup(bareJid))
        {
            if (session.NodeId != links.NodeId && session.Resource.AsSpan().SequenceEqual(resource))
            {
                Forward(session.NodeId, bareJid, resource, element, sender.FromAttribute);
                return true;
            }
        }

        return false;
    }

    public bool DeliverToBare(XmppSession sender, in XmlElement element, ReadOnlySpan<byte> bareJid, LocalUser? local, bool toAll)
    {
        ArgumentNullException.ThrowIfNull(sender);
        var remote = directory.Lookup(bareJid);
        var best = local is null ? int.MinValue : Router.HighestPriority(local.Sessions);
        foreach (var session in remote)
        {
            if (IsRemoteTarget(session) && session.Priority > best)
            {
                best = session.Priority;
            }
        }

        if (best == int.MinValue)
        {
            return false;
        }

        if (local is not null)
        {
            foreach (var session in local.Sessions)
            {
                if (session.IsAvailable && session.Priority >= 0 && (toAll || session.Priority == best))
                {
                    session.DeliverStamped(element, sender.FromAttribute);
                }
            }
        }

        foreach (var session in remote)
        {
            if (IsRemoteTarget(session) && (toAll || session.Priority == best))
            {
                Forward(session.NodeId, bareJid, session.Resource, element, sender.FromAttribute);
            }
        }

        return true;
    }

    public bool TrySendToFull(ReadOnlySpan<byte> bareJid, ReadOnlySpan<byte> resource, ReadOnlySpan<byte> stanza)
    {
        foreach (var session in directory.Lookup(bareJid))
        {
            if (session.NodeId != links.NodeId && session.Resource.AsSpan().SequenceEqual(resource))
            {
                return links.SendBytes(session.NodeId, bareJid, resource, stanza);
            }
        }

        return false;
    }

    public void BroadcastPresence(XmppSession sender, scoped in StanzaSlices presence, bool available, ReadOnlySpan<byte[]> subscribers, IClusterRecipientFilter? filter)
    {
        ArgumentNullException.ThrowIfNull(sender);
        NodeBatches batches = default;
        try
        {
            foreach (var subscriber in subscribers)
            {
                foreach (var session in directory.Lookup(subscriber))
                {
                    if (session.Available && session.NodeId != links.NodeId
                        && (filter is null || !filter.Excludes(sender, subscriber, session.Resource)))
                    {
                        NodePresenceFrame.AppendRecipient(batches.For(session.NodeId, out var counter), subscriber, session.Resource);
                        counter.Count++;
                    }
                }
            }

            foreach (var batch in batches.All)
            {
                links.SendPresence(batch.NodeId, sender.BareJid, sender.Resource, sender.FromAttribute, available, presence, batch.Count, batch.Entries.WrittenSpan);
            }
        }
        finally
        {
            batches.Dispose();
        }
    }

    public void SendProbes(XmppSession prober, ReadOnlySpan<byte[]> contacts)
    {
        ArgumentNullException.ThrowIfNull(prober);
        directory.Warm(contacts);
        NodeBatches batches = default;
        try
        {
            foreach (var contact in contacts)
            {
                foreach (var session in directory.Lookup(contact))
                {
                    if (session.Available && session.NodeId != links.NodeId && !batches.Has(session.NodeId, contact))
                    {
                        NodePresenceFrame.AppendContact(batches.For(session.NodeId, out var counter), contact);
                        counter.Count++;
                        counter.Last = contact;
                    }
                }
            }

            foreach (var batch in batches.All)
            {
                links.SendProbe(batch.NodeId, prober.BareJid, prober.Resource, batch.Count, batch.Entries.WrittenSpan);
            }
        }
        finally
        {
            batches.Dispose();
        }
    }

    public bool HasSessionsElsewhere(ReadOnlySpan<byte> bareJid)
    {
        foreach (var session in directory.Lookup(bareJid))
        {
            if (session.NodeId != links.NodeId)
            {
                return true;
            }
        }

        return false;
    }

    public int HighestRemotePriority(ReadOnlySpan<byte> bareJid)
    {
        var best = int.MinValue;
        foreach (var session in directory.Lookup(bareJid))
        {
            if (IsRemoteTarget(session) && session.Priority > best)
            {
                best = session.Priority;
            }
        }

        return best;
    }

    public void SendCarbon(ReadOnlySpan<byte> ownerBare, ReadOnlySpan<byte> excludedResource, int bareBest, ReadOnlySpan<byte> head, ReadOnlySpan<byte> rest)
    {
        var sessions = directory.Lookup(ownerBare);
        for (var i = 0; i < sessions.Length; i++)
        {
            var nodeId = sessions[i].NodeId;
            if (nodeId == links.NodeId || ListedBefore(sessions, i, nodeId))
            {
                continue;
            }

            links.SendCarbon(nodeId, ownerBare, excludedResource, bareBest, head, rest);
        }
    }

    /// <summary>True when an earlier entry than <paramref name="index"/> is on <paramref name="nodeId"/> (one frame per node).</summary>
    private static bool ListedBefore(DirectorySession[] sessions, int index, string nodeId)
    {
        for (var j = 0; j < index; j++)
        {
            if (sessions[j].NodeId == nodeId)
            {
                return true;
            }
        }

        return false;
    }

    public void SendPresence(string nodeId, XmppSession source, scoped in StanzaSlices presence, ReadOnlySpan<byte> recipientBare, ReadOnlySpan<byte> recipientResource)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var entry = new PooledBufferWriter(8 + recipientBare.Length + recipientResource.Length);
        NodePresenceFrame.AppendRecipient(entry, recipientBare, recipientResource);
        links.SendPresence(nodeId, source.BareJid, source.Resource, source.FromAttribute, available: true, presence, 1, entry.WrittenSpan);
    }

    private bool IsRemoteTarget(in DirectorySession session)
        => session.Available && session.Priority >= 0 && session.NodeId != links.NodeId;

    private void Forward(string nodeId, ReadOnlySpan<byte> bareJid, ReadOnlySpan<byte> resource, in XmlElement element, ReadOnlySpan<byte> fromAttribute)
    {
        var slices = StanzaSlices.Of(element, cutTo: false);
        if (links.SendStanza(nodeId, bareJid, resource, slices, fromAttribute))
        {
            return;
        }

        // The link holds more than its bound (the node is unreachable or far behind): handled here as undeliverable.
        using var stamped = new PooledBufferWriter(slices.Length + fromAttribute.Length);
        var parts = slices.With(fromAttribute, default);
        parts.CopyTo(stamped.GetSpan(parts.Length));
        stamped.Advance(parts.Length);
        links.Delivery.Undeliverable(bareJid, resource, stamped.WrittenSpan);
    }
}
