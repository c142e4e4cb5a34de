using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Core.Routing;

/// <summary>Message delivery (RFC 6121 §8.5, the "message" rows of the routing table).</summary>
public sealed partial class Router
{
    private void RouteMessage(XmppSession sender, in XmlElement element, ReadOnlySpan<byte> to, in JidParts parts, Destination destination)
    {
        var type = StanzaTypes.ParseMessage(element.TypeValue);
        switch (destination)
        {
            case Destination.None:
                // RFC 6120 §10.3.1: no 'to' means the sender's own bare JID.
                DeliverMessageToBare(sender, element, sender.BareJid, type, default);
                break;
            case Destination.LocalBare:
                DeliverMessageToBare(sender, element, to, type, to);
                break;
            case Destination.LocalFull:
                var recipient = _server.Routes.FindSession(parts.Bare(to), parts.Resource(to));
                if (recipient is not null)
                {
                    recipient.DeliverStamped(element, sender.FromAttribute);
                    NotifyDelivered(sender, element, type, recipient.User, recipient);
                }
                else if (_server.Cluster is { } cluster && cluster.TryForwardToFull(sender, element, parts.Bare(to), parts.Resource(to)))
                {
                    // Bound on another node: the link delivers it there (or, if that node is gone, as undeliverable).
                    NotifyClusterDelivered(sender, element, type, parts.Bare(to), parts.Resource(to));
                }
                else if (type is MessageType.Normal or MessageType.Chat or MessageType.Headline)
                {
                    // RFC 6121 §8.5.3.2.1: an unknown resource is treated as the bare JID.
                    DeliverMessageToBare(sender, element, parts.Bare(to), type, to);
                }
                else if (type == MessageType.Groupchat)
                {
                    Bounce(sender, element, to, StanzaErrorCondition.ServiceUnavailable);
                }

                break;
            case Destination.Remote:
                SendRemote(sender, element, to, parts);
                break;
            default:
                // A message to the server itself: no module takes messages, so tell the sender.
                if (type is MessageType.Normal or MessageType.Chat)
                {
                    Bounce(sender, element, to, StanzaErrorCondition.ServiceUnavailable);
                }

                break;
        }
    }

    /// <summary>RFC 6121 §8.5.2: a message for a bare JID goes to the user's most available resources.</summary>
    public void DeliverMessageToBare(XmppSession sender, in XmlElement element, ReadOnlySpan<byte> bareJid, MessageType type, ReadOnlySpan<byte> originalTo)
    {
        if (type == MessageType.Groupchat)
        {
            Bounce(sender, element, originalTo, StanzaErrorCondition.ServiceUnavailable);
            return;
        }

        var local = _server.Routes.TryGetUser(bareJid, out var user);
        var delivered = _server.Cluster is { } cluster
            ? cluster.DeliverToBare(sender, element, bareJid, user, type == MessageType.Headline)
            : local && DeliverToAvailable(user!, element, sender.FromAttribute, type == MessageType.Headline);
        if (delivered)
        {
            if (_server.Cluster is null)
            {
                NotifyDelivered(sender, element, type, user, null);
            }
            else
            {
                NotifyClusterDelivered(sender, element, type, bareJid, default);
            }

            return;
        }

        if (!local && !AccountExists(bareJid))
        {
            // RFC 6121 §8.5.1: no such account; the sender learns it (an error is never answered, see Bounce).
            Bounce(sender, element, originalTo, StanzaErrorCondition.ServiceUnavailable);
            return;
        }

        if (type is MessageType.Headline or MessageType.Error)
        {
            return; // RFC 6121 §8.5.2.2.1: never stored, silently dropped.
        }

        var offline = _server.Modules.UndeliverableMessages;
        if (offline is null || !offline.TakeMessage(sender, element, bareJid))
        {
            Bounce(sender, element, originalTo, StanzaErrorCondition.ServiceUnavailable);
        }
    }

    /// <summary>
    /// Delivers to the user's available resources with non-negative priority: all of them when
    /// <paramref name="toAll"/>, else those sharing the highest priority. False when there are none.
    /// </summary>
    public static bool DeliverToAvailable(LocalUser user, in XmlElement element, ReadOnlySpan<byte> fromAttribute, bool toAll)
    {
        var sessions = user.Sessions;
        var best = HighestPriority(sessions);
        if (best == int.MinValue)
        {
            return false;
        }

        foreach (var session in sessions)
        {
            if (session.IsAvailable && session.Priority >= 0 && (toAll || session.Priority == best))
            {
                session.DeliverStamped(element, fromAttribute);
            }
        }

        return true;
    }

    /// <summary>The highest non-negative priority among available <paramref name="sessions"/>; int.MinValue when none.</summary>
    public static int HighestPriority(ReadOnlySpan<XmppSession> sessions)
    {
        var best = int.MinValue;
        foreach (var session in sessions)
        {
            if (session.IsAvailable && session.Priority >= 0 && session.Priority > best)
            {
                best = session.Priority;
            }
        }

        return best;
    }

    /// <summary>True when a (non-headline) message to the bare JID goes to <paramref name="session"/> (RFC 6121 §8.5.2.1.1),
    /// <paramref name="best"/> being <see cref="HighestPriority"/> of the user's sessions.</summary>
    public static bool IsBareMessageTarget(XmppSession session, int best)
        => best != int.MinValue && session.IsAvailable && session.Priority >= 0 && session.Priority == best;

    private void NotifyDelivered(XmppSession sender, in XmlElement element, MessageType type, LocalUser? recipient, XmppSession? fullJidTarget)
    {
        var observers = _server.Modules.MessageDeliveryObservers;
        if (recipient is null || observers.IsEmpty)
        {
            return;
        }

        if (_server.Cluster is not null && fullJidTarget is not null)
        {
            // The user may have sessions on other nodes too: the observers see the cluster-wide delivery.
            NotifyClusterDelivered(sender, element, type, recipient.BareJid, fullJidTarget.Resource);
            return;
        }

        foreach (var observer in observers)
        {
            observer.OnMessageDelivered(sender, element, type, recipient, fullJidTarget);
        }
    }

    private void NotifyClusterDelivered(XmppSession sender, in XmlElement element, MessageType type, ReadOnlySpan<byte> recipientBare, ReadOnlySpan<byte> fullJidResource)
    {
        var observers = _server.Modules.MessageDeliveryObservers;
        if (observers.IsEmpty)
        {
            return;
        }

        _server.Routes.TryGetUser(recipientBare, out var recipient);
        foreach (var observer in observers)
        {
            observer.OnClusterMessageDelivered(sender, element, type, recipientBare, recipient, fullJidResource);
        }
    }
}
