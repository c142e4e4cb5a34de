using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Core.Cluster;

/// <summary>
/// A hosted domain handler (<see cref="Modules.IHostedDomainHandler"/>) whose entities are placed on nodes
/// (<see cref="IRoomPlacement"/>): it takes the stanzas other nodes forward to its entities here, and learns when a
/// node dies (its sessions are gone without a word).
/// </summary>
public interface IClusterHostedDomain
{
    /// <summary>A stanza from <paramref name="bareJid"/>/<paramref name="resource"/>, bound on node <paramref name="fromNode"/>,
    /// for an entity on this node. Called on the link's event loop; spans valid only during the call.</summary>
    void HandleForwarded(string fromNode, ReadOnlySpan<byte> bareJid, ReadOnlySpan<byte> resource, in XmlElement element, ReadOnlySpan<byte> to, in JidParts toParts);

    /// <summary>Node <paramref name="nodeId"/>'s heartbeat expired (or it left): its sessions are gone.</summary>
    void OnNodeDead(string nodeId);
}
