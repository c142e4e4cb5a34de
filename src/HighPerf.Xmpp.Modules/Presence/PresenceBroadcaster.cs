using HighPerf.Xmpp.Core.Routing;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Modules.Roster;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Modules.Presence;

/// <summary>
/// Presence broadcast (RFC 6121 §4.2–§4.5). A broadcast walks the user's available watchers (local contacts
/// with a 'from'/'both' subscription and an available resource), kept up to date as users come and go, so
/// its cost follows the subscribers online, not the roster size. Deliveries are one copy per recipient. In a
/// cluster the subscribers' sessions on other nodes get it too (PresenceBroadcaster.Cluster.cs).
/// </summary>
internal sealed partial class PresenceBroadcaster(ImContext im)
{
    private static ReadOnlySpan<byte> Unavailable => "<presence type='unavailable'/>"u8;

    private const int UnavailableNameEnd = 9;

    private RoutingTable Routes => im.Server.Routes;

    /// <summary>A stanza the session broadcast (available update or unavailable): to its available watchers,
    /// and to all of the user's available resources.</summary>
    public void Broadcast(XmppSession sender, in XmlElement presence)
    {
        var user = sender.User!;
        var roster = im.RosterOf(user);
        var blocking = im.Blocking;
        lock (user.Gate)
        {
            foreach (var watcher in roster.AvailableWatchers)
            {
                foreach (var session in watcher.Sessions)
                {
                    if (session.IsAvailable && (blocking is null || !blocking.Separates(user, sender, watcher, session)))
                    {
                        session.DeliverAddressed(presence, sender.FromAttribute);
                    }
                }
            }
        }

        // Including the sender itself: a user is implicitly subscribed to their own presence (RFC 6121 §4.2.2,
        // §4.4.2), and clients take the echo as the server's confirmation of the state they set.
        foreach (var session in user.Sessions)
        {
            if (session.IsAvailable)
            {
                session.DeliverAddressed(presence, sender.FromAttribute);
            }
        }

        if (im.Server.Cluster is not null)
        {
            var available = StanzaTypes.ParsePresence(presence.TypeValue, presence.Type.IsPresent) != PresenceType.Unavailable;
            BroadcastToNodes(sender, StanzaSlices.Of(presence, cutTo: true), available);
        }
    }

    /// <summary>The unavailable presence owed when a session ends without sending one (RFC 6121 §4.5.2):
    /// to the available watchers, the user's other resources and the directed-presence recipients.</summary>
    public void BroadcastUnavailable(XmppSession sender)
    {
        var user = sender.User!;
        var roster = im.RosterOf(user);
        var stanza = StanzaSlices.OfClean(Unavailable, UnavailableNameEnd);
        lock (user.Gate)
        {
            foreach (var watcher in roster.AvailableWatchers)
            {
                SendToAvailable(watcher, stanza, sender.FromAttribute);
            }
        }

        im.Remote.BroadcastUnavailable(sender);
        BroadcastToNodes(sender, stanza, available: false);

        foreach (var session in user.Sessions)
        {
            if (session != sender && session.IsAvailable)
            {
                session.Send(stanza.With(sender.FromAttribute, session.ToAttribute));
            }
        }

        SendUnavailableToDirected(sender, skipWatchers: true);
    }

    /// <summary>Sends an unavailable presence to everyone the session sent directed presence to.</summary>
    public void SendUnavailableToDirected(XmppSession sender, bool skipWatchers)
    {
        var directed = SessionPresence.Of(sender).TakeDirected();
        if (directed is null)
        {
            return;
        }

        var stanza = StanzaSlices.OfClean(Unavailable, UnavailableNameEnd);
        var roster = skipWatchers ? im.RosterOf(sender.User!) : null;
        foreach (var jid in directed)
        {
            var at = jid.AsSpan().IndexOf((byte)'/');
            var bare = at < 0 ? jid.AsSpan() : jid.AsSpan(0, at);
            var subscriber = roster is not null && RosterItems.HasFrom(roster.Find(bare));
            if (!Routes.TryGetUser(bare, out var target))
            {
                if (im.Remote.IsRemote(jid))
                {
                    if (!subscriber)
                    {
                        im.Remote.SendUnavailableTo(sender, jid);
                    }
                }
                else if (!subscriber && at >= 0)
                {
                    SendUnavailableToOtherNode(sender, jid, at);
                }
                else if (!subscriber)
                {
                    SendUnavailableToBareOnOtherNodes(sender, stanza, jid);
                }

                continue;
            }

            if (subscriber)
            {
                continue; // a subscriber already got the broadcast
            }

            if (at < 0)
            {
                SendToAvailable(target, stanza, sender.FromAttribute);
                SendUnavailableToBareOnOtherNodes(sender, stanza, jid);
            }
            else if (target.FindByResource(jid.AsSpan(at + 1)) is { } session)
            {
                session.Send(stanza.With(sender.FromAttribute, default));
            }
            else
            {
                SendUnavailableToOtherNode(sender, jid, at);
            }
        }
    }

    /// <summary>The presence of every available resource of <paramref name="from"/>, to every available
    /// resource of <paramref name="to"/> (after a subscription is approved, RFC 6121 §3.1.5).</summary>
    public static void SendCurrentPresence(LocalUser from, LocalUser to)
    {
        foreach (var source in from.Sessions)
        {
            if (!source.IsAvailable)
            {
                continue;
            }

            var state = SessionPresence.Of(source);
            foreach (var target in to.Sessions)
            {
                if (target.IsAvailable)
                {
                    state.SendLast(target, source.FromAttribute);
                }
            }
        }
    }

    /// <summary>Unavailable presence from each available resource of <paramref name="from"/> to the available
    /// resources of <paramref name="to"/> (after a subscription ends, RFC 6121 §3.2.2, §3.3.2).</summary>
    public static void SendUnavailable(LocalUser from, LocalUser to)
    {
        var stanza = StanzaSlices.OfClean(Unavailable, UnavailableNameEnd);
        foreach (var source in from.Sessions)
        {
            if (source.IsAvailable)
            {
                SendToAvailable(to, stanza, source.FromAttribute);
            }
        }
    }

    private static void SendToAvailable(LocalUser user, in StanzaSlices stanza, ReadOnlySpan<byte> fromAttribute)
    {
        foreach (var session in user.Sessions)
        {
            if (session.IsAvailable)
            {
                session.Send(stanza.With(fromAttribute, session.ToAttribute));
            }
        }
    }

    internal static bool HasAvailableSession(LocalUser user)
    {
        foreach (var session in user.Sessions)
        {
            if (session.IsAvailable)
            {
                return true;
            }
        }

        return false;
    }
}
