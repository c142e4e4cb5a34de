using HighPerf.Xmpp.Core.Routing;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
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

    /// <summary>
    /// A presence broadcast of <paramref name="sender"/> (<paramref name="presence"/> without from/to) to the available
    /// sessions that <paramref name="subscribers"/> (bare JIDs at this domain) have on other nodes: one frame per node
    /// listing its recipients, which that node fans out as a local broadcast. <paramref name="filter"/> drops sessions
    /// the sender's side refuses (its blocklist).
    /// </summary>
    void BroadcastPresence(XmppSession sender, scoped in StanzaSlices presence, bool available, ReadOnlySpan<byte[]> subscribers, IClusterRecipientFilter? filter);

    /// <summary>RFC 6121 §4.3.1 across nodes: one probe frame per node where <paramref name="contacts"/> have available
    /// sessions; each node answers for its own.</summary>
    void SendProbes(XmppSession prober, ReadOnlySpan<byte[]> contacts);

    /// <summary>True when the directory lists a session of <paramref name="bareJid"/> on another node.</summary>
    bool HasSessionsElsewhere(ReadOnlySpan<byte> bareJid);

    /// <summary>The highest non-negative priority among the available sessions of <paramref name="bareJid"/> on other
    /// nodes; int.MinValue when none (with the local one, the priority a bare-JID message went to).</summary>
    int HighestRemotePriority(ReadOnlySpan<byte> bareJid);

    /// <summary>
    /// A XEP-0280 carbon composed here (<paramref name="head"/>, then each recipient's 'to', then <paramref name="rest"/>)
    /// for the sessions of <paramref name="ownerBare"/> on other nodes: one frame per node that lists one, copied there
    /// to each session with carbons on but <paramref name="excludedResource"/> and, when <paramref name="bareBest"/>
    /// is not int.MinValue, those the bare-JID rule reached.
    /// </summary>
    void SendCarbon(ReadOnlySpan<byte> ownerBare, ReadOnlySpan<byte> excludedResource, int bareBest, ReadOnlySpan<byte> head, ReadOnlySpan<byte> rest);

    /// <summary>The presence of the local session <paramref name="source"/> for one session on node <paramref name="nodeId"/> (a probe's answer).</summary>
    void SendPresence(string nodeId, XmppSession source, scoped in StanzaSlices presence, ReadOnlySpan<byte> recipientBare, ReadOnlySpan<byte> recipientResource);
}

/// <summary>What the sending side of a cross-node presence broadcast refuses to send to (a blocklist).</summary>
public interface IClusterRecipientFilter
{
    /// <summary>True when <paramref name="sender"/>'s presence must not reach <paramref name="bareJid"/>/<paramref name="resource"/>.</summary>
    bool Excludes(XmppSession sender, ReadOnlySpan<byte> bareJid, ReadOnlySpan<byte> resource);
}
