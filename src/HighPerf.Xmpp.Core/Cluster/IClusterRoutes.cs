using HighPerf.Xmpp.Core.Routing;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Core.Cluster;

/// <summary>
/// What the router asks when several nodes serve the domain (cluster.enabled with node links): where a user's
/// sessions on the other nodes are, and delivery to them over the node links. Null on a single node, where the
/// router's local path is all there is.
/// </summary>
public interface IClusterRoutes
{
    /// <summary>
    /// Forwards a stanza for the full JID <paramref name="bareJid"/>/<paramref name="resource"/> to the node it is bound
    /// on, with 'from' set to the sender's. False when no other node lists that session (the caller goes on as for a
    /// full JID with no session).
    /// </summary>
    bool TryForwardToFull(XmppSession sender, in XmlElement element, ReadOnlySpan<byte> bareJid, ReadOnlySpan<byte> resource);

    /// <summary>
    /// RFC 6121 §8.5.2 across nodes: delivers a message for <paramref name="bareJid"/> to the available resources with
    /// the highest non-negative priority among this node's (<paramref name="local"/>) and the other nodes' together, or
    /// to all non-negative ones when <paramref name="toAll"/>. False when there is none anywhere.
    /// </summary>
    bool DeliverToBare(XmppSession sender, in XmlElement element, ReadOnlySpan<byte> bareJid, LocalUser? local, bool toAll);

    /// <summary>Sends server-made bytes (an error, already addressed) to a full JID bound on another node. False when none lists it.</summary>
    bool TrySendToFull(ReadOnlySpan<byte> bareJid, ReadOnlySpan<byte> resource, ReadOnlySpan<byte> stanza);
}
