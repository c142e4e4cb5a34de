using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Routing;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Modules.Roster;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Modules.Presence;

/// <summary>Every presence stanza a client sends (RFC 6121 §3, §4): broadcast, directed, subscription.</summary>
internal sealed class PresenceHandler(ImContext im) : IPresenceHandler
{
    public void HandleOutbound(XmppSession sender, in XmlElement element, PresenceType type, ReadOnlySpan<byte> to, in JidParts toParts)
    {
        switch (type)
        {
            case PresenceType.Invalid:
                sender.SendError(element, StanzaErrorCondition.BadRequest, to);
                return;
            case PresenceType.Probe:
                return; // RFC 6121 §4.3: probes are the server's business; a client's is ignored.
            case PresenceType.Subscribe or PresenceType.Subscribed or PresenceType.Unsubscribe or PresenceType.Unsubscribed:
                im.Subscriptions.HandleOutbound(sender, element, type, to, toParts);
                return;
        }

        if (to.IsEmpty)
        {
            if (type == PresenceType.Available)
            {
                Available(sender, element);
            }
            else if (type == PresenceType.Unavailable)
            {
                Unavailable(sender, element);
            }

            return;
        }

        Directed(sender, element, type, to, toParts);
    }

    /// <summary>
    /// Presence from another server (RFC 6121 §3, §4 as the contact's server sees it): subscription stanzas go to
    /// the state machine's inbound side, probes are answered from the current state when the prober is subscribed,
    /// everything else is delivered to the addressed resource or the user's available resources.
    /// </summary>
    public void HandleRemote(XmppSession sender, in XmlElement element, PresenceType type, ReadOnlySpan<byte> to, in JidParts toParts)
    {
        switch (type)
        {
            case PresenceType.Invalid:
                sender.SendError(element, StanzaErrorCondition.BadRequest, to);
                return;
            case PresenceType.Subscribe or PresenceType.Subscribed or PresenceType.Unsubscribe or PresenceType.Unsubscribed:
                im.Subscriptions.HandleRemote(sender, element, type, toParts.Bare(to));
                return;
            case PresenceType.Probe:
                AnswerProbe(sender, toParts.Bare(to));
                return;
        }

        var server = im.Server;
        if (!toParts.HasLocal || !server.Routes.TryGetUser(toParts.Bare(to), out var target))
        {
            return; // RFC 6121 §8.5.2.2.2 / §8.5.3.2.2: presence for an offline user or the server is dropped
        }

        if (toParts.HasResource)
        {
            target.FindByResource(toParts.Resource(to))?.DeliverStamped(element, sender.FromAttribute);
            return;
        }

        foreach (var session in target.Sessions)
        {
            if (session.IsAvailable)
            {
                session.DeliverStamped(element, sender.FromAttribute);
            }
        }
    }

    /// <summary>RFC 6121 §4.3.2: a subscriber gets the last presence of each available resource, or unavailable;
    /// anyone else learns nothing.</summary>
    private void AnswerProbe(XmppSession prober, ReadOnlySpan<byte> owner)
    {
        var server = im.Server;
        if (!server.Routes.TryGetUser(owner, out var user))
        {
            if (server.Router.AccountExists(owner) && RosterItems.HasFrom(server.Store.Rosters.Get(owner, prober.BareJid)))
            {
                im.Remote.SendStanza(owner, prober.BareJid, UnavailableFor(owner, prober.FullJid));
            }

            return;
        }

        var roster = im.RosterOf(user);
        bool subscribed;
        lock (user.Gate)
        {
            subscribed = RosterItems.HasFrom(roster.Find(prober.BareJid));
        }

        if (!subscribed)
        {
            return;
        }

        var sent = false;
        foreach (var session in user.Sessions)
        {
            if (session.IsAvailable)
            {
                sent |= SessionPresence.Of(session).SendLast(prober, session.FromAttribute);
            }
        }

        if (!sent)
        {
            im.Remote.SendStanza(owner, prober.BareJid, UnavailableFor(owner, prober.FullJid));
        }
    }

    public void DeliverFromNode(ReadOnlySpan<byte> sourceFull, ReadOnlySpan<byte> fromAttribute, scoped in StanzaSlices presence, XmppSession recipient)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        if (im.Blocking is { } blocking && recipient.User is { } user && blocking.Of(user).Blocks(sourceFull))
        {
            return;
        }

        recipient.Send(presence.With(fromAttribute, recipient.ToAttribute));
    }

    /// <summary>RFC 6121 §4.3.2 for a prober on another node: as <see cref="AnswerProbe"/>, answered over the link.</summary>
    public void AnswerNodeProbe(string nodeId, ReadOnlySpan<byte> proberBare, ReadOnlySpan<byte> proberResource, ReadOnlySpan<byte> contact)
    {
        var server = im.Server;
        if (server.Cluster is not { } cluster || !server.Routes.TryGetUser(contact, out var user)
            || proberBare.Length + 1 + proberResource.Length > JidNormalizer.MaxJidBytes)
        {
            return;
        }

        if (!contact.SequenceEqual(proberBare))
        {
            var roster = im.RosterOf(user);
            lock (user.Gate)
            {
                if (!RosterItems.HasFrom(roster.Find(proberBare)))
                {
                    return;
                }
            }

            Span<byte> prober = stackalloc byte[proberBare.Length + 1 + proberResource.Length];
            proberBare.CopyTo(prober);
            prober[proberBare.Length] = (byte)'/';
            proberResource.CopyTo(prober[(proberBare.Length + 1)..]);
            if (im.Blocking is { } blocking && blocking.Of(user).Blocks(prober))
            {
                return;
            }
        }

        foreach (var session in user.Sessions)
        {
            if (session.IsAvailable)
            {
                SessionPresence.Of(session).SendLastToNode(cluster, nodeId, session, proberBare, proberResource);
            }
        }
    }

    private static byte[] UnavailableFor(ReadOnlySpan<byte> from, ReadOnlySpan<byte> to)
    {
        using var writer = new Core.Buffers.PooledBufferWriter(64 + from.Length + to.Length);
        writer.Write("<presence"u8);
        EscapingWriter.WriteEscapedAttribute(writer, "from"u8, from);
        EscapingWriter.WriteEscapedAttribute(writer, "to"u8, to);
        writer.Write(" type='unavailable'/>"u8);
        return writer.ToArray();
    }

    private void Available(XmppSession sender, in XmlElement element)
    {
        var state = SessionPresence.Of(sender);
        state.StoreLast(element);
        sender.Priority = PresenceReader.ReadPriority(element.Raw);
        var initial = !sender.IsAvailable;
        var user = sender.User!;
        var firstOfUser = initial && !PresenceBroadcaster.HasAvailableSession(user);
        sender.IsAvailable = true;
        if (firstOfUser)
        {
            im.Presence.OnUserAvailable(user);
        }

        im.Presence.Broadcast(sender, element);
        im.Remote.Broadcast(sender, element);
        if (initial)
        {
            im.Presence.SendPresenceToNewResource(sender);
            im.Presence.ProbeNodes(sender);
            im.Remote.SendProbes(sender);
            im.Subscriptions.DeliverPendingRequests(sender);
            im.RaiseInitialPresence(sender);
        }
    }

    private void Unavailable(XmppSession sender, in XmlElement element)
    {
        if (!sender.IsAvailable)
        {
            // Not available: only those it sent directed presence to still care.
            im.Presence.SendUnavailableToDirected(sender, skipWatchers: false);
            return;
        }

        im.Presence.Broadcast(sender, element);
        im.Remote.Broadcast(sender, element);
        sender.IsAvailable = false;
        SessionPresence.Of(sender).ClearLast();
        im.Presence.SendUnavailableToDirected(sender, skipWatchers: true);
        if (!PresenceBroadcaster.HasAvailableSession(sender.User!))
        {
            im.Presence.OnUserUnavailable(sender.User!);
        }
    }

    /// <summary>Directed presence (RFC 6121 §4.6): delivered as is, remembered for the unavailable owed later.</summary>
    private void Directed(XmppSession sender, in XmlElement element, PresenceType type, ReadOnlySpan<byte> to, in JidParts parts)
    {
        var server = im.Server;
        var destination = server.Router.Classify(to, parts);
        var remote = destination == Router.Destination.Remote;
        if (remote && server.Federation is null)
        {
            sender.SendError(element, StanzaErrorCondition.RemoteServerNotFound, to);
            return;
        }

        if (!remote && destination is not (Router.Destination.LocalBare or Router.Destination.LocalFull))
        {
            return;
        }

        if (type == PresenceType.Available && sender.IsAvailable)
        {
            SessionPresence.Of(sender).AddDirected(to);
        }
        else if (type == PresenceType.Unavailable)
        {
            SessionPresence.Of(sender).RemoveDirected(to);
        }

        if (remote)
        {
            im.Remote.SendDirected(sender, element, to, parts);
            return;
        }

        var bare = parts.Bare(to);
        server.Routes.TryGetUser(bare, out var target);
        if (destination == Router.Destination.LocalFull)
        {
            // A full JID bound on another node of the cluster gets it over the link, as a message would.
            if (target?.FindByResource(parts.Resource(to)) is { } session)
            {
                session.DeliverStamped(element, sender.FromAttribute);
            }
            else
            {
                server.Cluster?.TryForwardToFull(sender, element, bare, parts.Resource(to));
            }

            return; // RFC 6121 §8.5.3.2.2: no such session anywhere, dropped
        }

        if (target is not null)
        {
            foreach (var session in target.Sessions)
            {
                if (session.IsAvailable)
                {
                    session.DeliverStamped(element, sender.FromAttribute);
                }
            }
        }

        // The user's available resources on other nodes (those with a non-negative priority: the directory's bare-JID
        // delivery); none anywhere and the presence is dropped (RFC 6121 §8.5.2.2.2).
        server.Cluster?.DeliverToBare(sender, element, bare, local: null, toAll: true);
    }
}
