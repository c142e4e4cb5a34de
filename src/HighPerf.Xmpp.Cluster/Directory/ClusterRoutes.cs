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
