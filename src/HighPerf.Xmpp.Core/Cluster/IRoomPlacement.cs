using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Core.Cluster;

/// <summary>
/// Where the entities of a hosted service (MUC rooms) live in a cluster: each on one node, named by a record in the
/// shared engine that a node claims atomically when it touches an entity no live node serves. Stanzas from local
/// sessions to an entity on another node go there over the links (<see cref="NodeFrame.Service"/>); what the entity
/// sends back to them goes as ordinary stanza frames. Thread-safe.
/// </summary>
public interface IRoomPlacement
{
    /// <summary>This node's id.</summary>
    string NodeId { get; }

    /// <summary>
    /// The node serving <paramref name="roomJid"/>: the live node its record names, else this node once it claimed
    /// the room (<paramref name="claimed"/>: from now on this node serves the room and loads it from the shared store).
    /// A cache hit in steady state; a miss or a dead owner costs a round trip to the engine.
    /// </summary>
    string Place(ReadOnlySpan<byte> roomJid, out bool claimed);

    /// <summary>Forwards a routed stanza from <paramref name="sender"/> (bound here) to the service on <paramref name="nodeId"/>,
    /// 'from' stamped. False when the link holds more than its bound.</summary>
    bool Forward(string nodeId, XmppSession sender, in XmlElement element);

    /// <summary>Forwards server-made bytes (addressed, 'from' = <paramref name="sender"/>) to the service on <paramref name="nodeId"/>.</summary>
    bool ForwardBytes(string nodeId, XmppSession sender, ReadOnlySpan<byte> stanza);

    /// <summary>Sends bytes (an addressed stanza) to the full JID <paramref name="bareJid"/>/<paramref name="resource"/> bound on <paramref name="nodeId"/>.</summary>
    bool SendTo(string nodeId, ReadOnlySpan<byte> bareJid, ReadOnlySpan<byte> resource, scoped in OutboundParts stanza);
}
