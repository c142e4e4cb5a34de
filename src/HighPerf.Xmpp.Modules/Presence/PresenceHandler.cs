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
        if (initial)
        {
            im.Presence.SendPresenceToNewResource(sender);
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
        if (destination == Router.Destination.Remote)
        {
            sender.SendError(element, StanzaErrorCondition.RemoteServerNotFound, to);
            return;
        }

        if (destination is not (Router.Destination.LocalBare or Router.Destination.LocalFull))
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

        if (!server.Routes.TryGetUser(parts.Bare(to), out var target))
        {
            return; // RFC 6121 §8.5.2.2.2: presence for an offline user is dropped
        }

        if (destination == Router.Destination.LocalFull)
        {
            target.FindByResource(parts.Resource(to))?.DeliverStamped(element, sender.FromAttribute);
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
}
