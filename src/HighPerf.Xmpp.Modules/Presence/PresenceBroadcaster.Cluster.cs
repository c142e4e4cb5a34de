using System.Buffers;
using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Cluster;
using HighPerf.Xmpp.Core.Routing;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Modules.Roster;

namespace HighPerf.Xmpp.Modules.Presence;

/// <summary>
/// Presence across the nodes of a cluster (nothing happens on a single node, where <see cref="Core.Hosting.XmppServer.Cluster"/>
/// is null): a broadcast also goes to the sessions its subscribers at this domain (and the user's own other
/// resources) have on other nodes, one frame per node, and a new resource probes the contacts it is subscribed to
/// (and its own other resources) on the nodes where they are available. The session directory says where they are
/// (a cache hit in steady state); this node's own sessions are the local broadcast's.
/// </summary>
internal sealed partial class PresenceBroadcaster : IClusterRecipientFilter
{
    /// <summary>The sender's blocklist, checked against each recipient's full JID as a local broadcast does
    /// (the recipient's list is checked by its own node).</summary>
    public bool Excludes(XmppSession sender, ReadOnlySpan<byte> bareJid, ReadOnlySpan<byte> resource)
    {
        if (im.Blocking is not { } blocking || sender.User is not { } user || bareJid.Length + 1 + resource.Length > JidNormalizer.MaxJidBytes)
        {
            return false;
        }

        Span<byte> full = stackalloc byte[bareJid.Length + 1 + resource.Length];
        bareJid.CopyTo(full);
        full[bareJid.Length] = (byte)'/';
        resource.CopyTo(full[(bareJid.Length + 1)..]);
        return blocking.Of(user).Blocks(resource.IsEmpty ? bareJid : full);
    }

    /// <summary>
    /// The unavailable presence owed to a full JID this session sent directed presence to, bound on another node
    /// (no session here). Session end only, so composing the bytes once here costs nothing that matters.
    /// </summary>
    private void SendUnavailableToOtherNode(XmppSession sender, byte[] fullJid, int slash)
    {
        if (im.Server.Cluster is not { } cluster)
        {
            return;
        }

        var writer = new ArrayBufferWriter<byte>(64 + sender.FromAttribute.Length + fullJid.Length);
        writer.Write("<presence type='unavailable'"u8);
        writer.Write(sender.FromAttribute);
        EscapingWriter.WriteAttribute(writer, "to"u8, fullJid);
        writer.Write("/>"u8);
        cluster.TrySendToFull(fullJid.AsSpan(0, slash), fullJid.AsSpan(slash + 1), writer.WrittenSpan);
    }

    /// <summary>
    /// The unavailable presence owed to a bare JID this session sent directed presence to, for that user's available
    /// sessions on other nodes (its sessions here got it locally): a one-recipient broadcast, one frame per node.
    /// </summary>
    private void SendUnavailableToBareOnOtherNodes(XmppSession sender, scoped in StanzaSlices unavailable, byte[] bareJid)
    {
        if (im.Server.Cluster is not { } cluster)
        {
            return;
        }

        cluster.BroadcastPresence(sender, unavailable, available: false, [bareJid], this);
    }

    private void BroadcastToNodes(XmppSession sender, scoped in StanzaSlices presence, bool available)
    {
        if (im.Server.Cluster is not { } cluster)
        {
            return;
        }

        var subscribers = ClusterContacts(sender, RosterItems.HasFrom, out var count);
        try
        {
            cluster.BroadcastPresence(sender, presence, available, subscribers.AsSpan(0, count), this);
        }
        finally
        {
            ArrayPool<byte[]>.Shared.Return(subscribers, clearArray: true);
        }
    }

    /// <summary>A new resource's probes across nodes (RFC 6121 §4.3.1), after the local contacts' presence was sent.</summary>
    public void ProbeNodes(XmppSession session)
    {
        if (im.Server.Cluster is not { } cluster)
        {
            return;
        }

        var contacts = ClusterContacts(session, RosterItems.HasTo, out var count);
        try
        {
            var kept = 0;
            for (var i = 0; i < count; i++)
            {
                // A contact the prober blocks sends it nothing (the contact's own list is checked where it answers).
                if (i == 0 || !Excludes(session, contacts[i], default))
                {
                    contacts[kept++] = contacts[i];
                }
            }

            cluster.SendProbes(session, contacts.AsSpan(0, kept));
        }
        finally
        {
            ArrayPool<byte[]>.Shared.Return(contacts, clearArray: true);
        }
    }

    /// <summary>A subscription of <paramref name="watcher"/> to <paramref name="owner"/> was just approved: the last
    /// presence of each available session of the owner here goes to the watcher's sessions on other nodes.</summary>
    public void SendCurrentPresenceToNodes(LocalUser owner, byte[] watcher)
    {
        if (im.Server.Cluster is not { } cluster)
        {
            return;
        }

        ReadOnlySpan<byte[]> subscribers = [watcher];
        foreach (var source in owner.Sessions)
        {
            if (source.IsAvailable)
            {
                SessionPresence.Of(source).BroadcastLastToNodes(cluster, source, subscribers, this);
            }
        }
    }

    /// <summary>A subscription of <paramref name="watcher"/> to <paramref name="owner"/> ended: each available session
    /// of the owner here becomes unavailable for the watcher's sessions on other nodes.</summary>
    public void SendUnavailableToNodes(LocalUser owner, byte[] watcher)
    {
        if (im.Server.Cluster is not { } cluster)
        {
            return;
        }

        ReadOnlySpan<byte[]> subscribers = [watcher];
        var stanza = StanzaSlices.OfClean(Unavailable, UnavailableNameEnd);
        foreach (var source in owner.Sessions)
        {
            if (source.IsAvailable)
            {
                cluster.BroadcastPresence(source, stanza, available: false, subscribers, this);
            }
        }
    }

    /// <summary>The user's own bare JID first (its other resources), then its listed contacts at this server's
    /// domains matching <paramref name="filter"/> (pooled array: the caller returns it).</summary>
    private byte[][] ClusterContacts(XmppSession session, Func<Storage.Abstractions.RosterItemRecord, bool> filter, out int count)
    {
        var user = session.User!;
        var roster = im.RosterOf(user);
        lock (user.Gate)
        {
            var result = ArrayPool<byte[]>.Shared.Rent(roster.Items.Count + 1);
            result[0] = user.BareJid;
            count = 1;
            foreach (var item in roster.Items)
            {
                if (RosterItems.IsListed(item) && filter(item) && !item.Jid.AsSpan().SequenceEqual(user.BareJid)
                    && im.Server.IsLocalDomain(JidParts.OfNormalized(item.Jid).Domain(item.Jid)))
                {
                    result[count++] = item.Jid;
                }
            }

            return result;
        }
    }
}
