using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Core.Routing;

/// <summary>
/// Presence goes to the RFC 6121 presence module when one is enabled. Without it, only directed presence
/// is routed and the sender's availability is tracked so that bare-JID messages still find it.
/// </summary>
public sealed partial class Router
{
    private void RoutePresence(XmppSession sender, in XmlElement element, ReadOnlySpan<byte> to, in JidParts parts, Destination destination)
    {
        var type = StanzaTypes.ParsePresence(element.TypeValue, element.Type.IsPresent);
        var presence = _server.Modules.Presence;
        if (presence is not null)
        {
            presence.HandleOutbound(sender, element, type, to, parts);
            return;
        }

        if (type == PresenceType.Invalid)
        {
            Bounce(sender, element, to, StanzaErrorCondition.BadRequest);
            return;
        }

        switch (destination)
        {
            case Destination.None:
                if (type == PresenceType.Available)
                {
                    sender.IsAvailable = true;
                    sender.Priority = PresenceReader.ReadPriority(element.Raw);
                }
                else if (type == PresenceType.Unavailable)
                {
                    sender.IsAvailable = false;
                }

                break;
            case Destination.LocalFull:
                _server.Routes.FindSession(parts.Bare(to), parts.Resource(to))?.DeliverStamped(element, sender.FromAttribute);
                break;
            case Destination.LocalBare:
                if (_server.Routes.TryGetUser(to, out var user))
                {
                    foreach (var session in user.Sessions)
                    {
                        session.DeliverStamped(element, sender.FromAttribute);
                    }
                }

                break;
            case Destination.Remote:
                SendRemote(sender, element, to, parts);
                break;
            default:
                break;
        }
    }
}
