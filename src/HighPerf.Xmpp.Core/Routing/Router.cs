using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Core.Routing;

/// <summary>
/// Routes stanzas from bound clients by the rules in src/ARCHITECTURE.md (RFC 6120 §10, RFC 6121 §8.5).
/// A routed stanza is never parsed into objects: its bytes are copied once, with 'from' stamped, into
/// each recipient's queue. Runs on the sender's event loop.
/// </summary>
public sealed partial class Router
{
    private readonly XmppServer _server;

    internal Router(XmppServer server)
    {
        _server = server;
    }

    /// <summary>Where a normalized 'to' points.</summary>
    public enum Destination : byte
    {
        /// <summary>No 'to' attribute.</summary>
        None,
        /// <summary>A served domain (no localpart, no resource).</summary>
        Server,
        /// <summary>A served domain with a resource (domain/resource).</summary>
        ServerResource,
        /// <summary>A bare JID at a served domain.</summary>
        LocalBare,
        /// <summary>A full JID at a served domain.</summary>
        LocalFull,
        /// <summary>A domain we do not serve.</summary>
        Remote,
    }

    /// <param name="to">Normalized 'to' (empty when absent).</param>
    public void Route(XmppSession sender, in XmlElement element, StanzaKind kind, ReadOnlySpan<byte> to, in JidParts toParts)
    {
        var destination = Classify(to, toParts);
        if (destination == Destination.Remote && _server.Modules.TryGetHostedDomain(toParts.Domain(to), out var hosted))
        {
            // A service a module hosts on its own domain (e.g. MUC on conference.<domain>): the module routes it.
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

            return;
        }

        switch (kind)
        {
            case StanzaKind.Message:
                RouteMessage(sender, element, to, toParts, destination);
                break;
            case StanzaKind.Presence:
                RoutePresence(sender, element, to, toParts, destination);
                break;
            default:
                RouteIq(sender, element, to, toParts, destination);
                break;
        }
    }

    public Destination Classify(ReadOnlySpan<byte> to, in JidParts parts)
    {
        if (to.IsEmpty)
        {
            return Destination.None;
        }

        if (!_server.IsLocalDomain(parts.Domain(to)))
        {
            return Destination.Remote;
        }

        if (!parts.HasLocal)
        {
            return parts.HasResource ? Destination.ServerResource : Destination.Server;
        }

        return parts.HasResource ? Destination.LocalFull : Destination.LocalBare;
    }

    /// <summary>True when <paramref name="bareJid"/> is an account on this server (allocation-free).</summary>
    public bool AccountExists(ReadOnlySpan<byte> bareJid) => _server.Store.Accounts.TryGet(bareJid, out _);

    /// <summary>Bounces a stanza to its sender, from the address it was sent to.</summary>
    private static void Bounce(XmppSession sender, in XmlElement element, ReadOnlySpan<byte> to, StanzaErrorCondition condition)
        => sender.SendError(element, condition, to);
}
