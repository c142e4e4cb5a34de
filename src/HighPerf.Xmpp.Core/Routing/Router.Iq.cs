using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Reader;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Core.Routing;

/// <summary>Iq routing (RFC 6120 §8.2.3, §10.3.3; RFC 6121 §8.5): server-handled iqs go to modules.</summary>
public sealed partial class Router
{
    private void RouteIq(XmppSession sender, in XmlElement element, ReadOnlySpan<byte> to, in JidParts parts, Destination destination)
    {
        var type = StanzaTypes.ParseIq(element.TypeValue);
        if (type == IqType.Invalid || !element.Id.IsPresent)
        {
            // RFC 6120 §8.2.3: every iq has an id and one of the four types.
            Bounce(sender, element, to, StanzaErrorCondition.BadRequest);
            return;
        }

        var isRequest = type is IqType.Get or IqType.Set;
        switch (destination)
        {
            case Destination.None:
                if (isRequest)
                {
                    Dispatch(sender, element, type, to, IqTarget.OwnAccount);
                }

                break;
            case Destination.Server:
                if (isRequest)
                {
                    Dispatch(sender, element, type, to, IqTarget.Server);
                }

                break;
            case Destination.LocalBare:
                if (!isRequest)
                {
                    break; // RFC 6121 §8.5.2.1.3 / §8.5.2.2.3: responses to a bare JID are dropped.
                }

                if (to.SequenceEqual(sender.BareJid))
                {
                    Dispatch(sender, element, type, to, IqTarget.OwnAccount);
                }
                else if (_server.Routes.TryGetUser(to, out _) || AccountExists(to))
                {
                    Dispatch(sender, element, type, to, IqTarget.OtherAccount);
                }
                else
                {
                    Bounce(sender, element, to, StanzaErrorCondition.ServiceUnavailable);
                }

                break;
            case Destination.LocalFull:
                var recipient = _server.Routes.FindSession(parts.Bare(to), parts.Resource(to));
                if (recipient is not null)
                {
                    recipient.DeliverStamped(element, sender.FromAttribute);
                }
                else if (_server.Cluster is { } cluster && cluster.TryForwardToFull(sender, element, parts.Bare(to), parts.Resource(to)))
                {
                    // Bound on another node: delivered there, or bounced from here if that node is gone.
                }
                else if (isRequest)
                {
                    Bounce(sender, element, to, StanzaErrorCondition.ServiceUnavailable);
                }

                break;
            case Destination.Remote:
                SendRemote(sender, element, to, parts);
                break;
            default:
                if (isRequest)
                {
                    Bounce(sender, element, to, StanzaErrorCondition.ServiceUnavailable);
                }

                break;
        }
    }

    private void Dispatch(XmppSession sender, in XmlElement element, IqType type, ReadOnlySpan<byte> to, IqTarget target)
    {
        var reader = XmlElementReader.Create(element.Raw, XmppNames.NsClient);
        if (!reader.TryGetFirstChild(out var payload))
        {
            Bounce(sender, element, to, StanzaErrorCondition.BadRequest);
            return;
        }

        if (!_server.Modules.TryGetIqHandler(payload.Namespace, payload.LocalName, out var entry) || (entry.Targets & target) == 0)
        {
            Bounce(sender, element, to, StanzaErrorCondition.ServiceUnavailable);
            return;
        }

        var request = new IqRequest(sender, element, type, to, target, payload);
        try
        {
            entry.Handler.HandleIq(ref request);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            CoreLog.ModuleFailed(_server.Logger, entry.Module, ex);
        }

        if (!request.Answered)
        {
            // Every get/set is answered (RFC 6120 §8.2.3), even when a module forgot or failed.
            Bounce(sender, element, to, StanzaErrorCondition.InternalServerError);
        }
    }
}
