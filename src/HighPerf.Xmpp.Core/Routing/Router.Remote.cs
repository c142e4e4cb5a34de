using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Core.Routing;

/// <summary>
/// Federation's two routes: a stanza to another domain leaves over s2s (the "other domain" row of the routing table),
/// and a stanza that arrived over s2s follows the same rows as a client's, its remote sender represented by a
/// stand-in session (<see cref="XmppSession.IsRemote"/>) through which answers go back.
/// </summary>
public sealed partial class Router
{
    private void SendRemote(XmppSession sender, in XmlElement element, ReadOnlySpan<byte> to, in JidParts parts)
    {
        var federation = _server.Federation;
        if (federation is null || sender.IsRemote)
        {
            // Without federation, or a remote entity addressing a third domain through us: never relayed.
            Bounce(sender, element, to, StanzaErrorCondition.RemoteServerNotFound);
            return;
        }

        federation.SendFromLocal(sender, element, to, parts);
    }

    /// <summary>
    /// Routes a stanza received over s2s. The stream already checked that 'from' belongs to an authenticated peer
    /// domain and that 'to' is a domain we serve (or a module hosts).
    /// </summary>
    /// <param name="sender">The stand-in of the remote sender (its full or bare JID as in the stanza's 'from').</param>
    /// <param name="to">The normalized 'to' (never empty).</param>
    public void RouteRemote(XmppSession sender, in XmlElement element, StanzaKind kind, ReadOnlySpan<byte> to, in JidParts toParts)
    {
        var destination = Classify(to, toParts);
        if (destination == Destination.Remote)
        {
            if (_server.Modules.TryGetHostedDomain(toParts.Domain(to), out var hosted))
            {
                try
                {
                    hosted.HandleStanza(sender, element, kind, to, toParts);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    CoreLog.ModuleFailed(_server.Logger, "hosted domain", ex);
                    if (kind != StanzaKind.Presence)
                    {
                        Bounce(sender, element, to, StanzaErrorCondition.InternalServerError);
                    }
                }
            }

            return;
        }

        switch (kind)
        {
            case StanzaKind.Message:
                RouteMessage(sender, element, to, toParts, destination);
                break;
            case StanzaKind.Presence:
                RouteRemotePresence(sender, element, to, toParts, destination);
                break;
            default:
                RouteIq(sender, element, to, toParts, destination);
                break;
        }
    }

    private void RouteRemotePresence(XmppSession sender, in XmlElement element, ReadOnlySpan<byte> to, in JidParts parts, Destination destination)
    {
        var type = StanzaTypes.ParsePresence(element.TypeValue, element.Type.IsPresent);
        var presence = _server.Modules.Presence;
        if (presence is not null)
        {
            presence.HandleRemote(sender, element, type, to, parts);
            return;
        }

        if (type == PresenceType.Invalid)
        {
            Bounce(sender, element, to, StanzaErrorCondition.BadRequest);
            return;
        }

        if (destination == Destination.LocalFull)
        {
            _server.Routes.FindSession(parts.Bare(to), parts.Resource(to))?.DeliverStamped(element, sender.FromAttribute);
        }
        else if (destination == Destination.LocalBare && _server.Routes.TryGetUser(to, out var user))
        {
            foreach (var session in user.Sessions)
            {
                if (session.IsAvailable)
                {
                    session.DeliverStamped(element, sender.FromAttribute);
                }
            }
        }
    }
}
