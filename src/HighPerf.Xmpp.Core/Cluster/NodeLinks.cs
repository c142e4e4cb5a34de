using System.Collections.Concurrent;
using System.Text;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Stanzas;
using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Core.Cluster;

/// <summary>
/// This node's links to the other nodes of the cluster: one outbound <see cref="NodeLink"/> per node it sends to
/// (created on first use), the secret and identity their connections authenticate with, and the delivery of what
/// comes in. A node pair uses two connections, one per direction, so each side only sends on its own.
/// </summary>
public sealed class NodeLinks
{
    private readonly ConcurrentDictionary<string, NodeLink> _links = new(StringComparer.Ordinal);
    private readonly Func<string, Task<string?>> _addressOf;
    private INodeConnector? _connector;

    /// <param name="nodeId">This node's id in the session directory.</param>
    /// <param name="addressOf">Where a node's link listener is (host:port), as its heartbeat publishes it; null when unknown.</param>
    public NodeLinks(XmppServer server, string nodeId, NodeLinkOptions options, Func<string, Task<string?>> addressOf)
    {
        ArgumentNullException.ThrowIfNull(server);
        Server = server;
        NodeId = nodeId;
        NodeIdBytes = Encoding.UTF8.GetBytes(nodeId);
        Options = options;
        _addressOf = addressOf;
        Logger = server.LoggerFactory.CreateLogger("HighPerf.Xmpp.Cluster.Links");
        Delivery = new ClusterDelivery(server);
    }

    public XmppServer Server { get; }

    public string NodeId { get; }

    public byte[] NodeIdBytes { get; }

    public NodeLinkOptions Options { get; }

    public ClusterDelivery Delivery { get; }

    internal ILogger Logger { get; }

    /// <summary>Set once by the transport that opens the connections.</summary>
    public INodeConnector Connector
    {
        get => _connector ?? throw new InvalidOperationException("No node-link transport is attached.");
        set => _connector = value;
    }

    /// <summary>Links opened so far (for the stats and tests).</summary>
    public ICollection<NodeLink> Links => _links.Values;

    /// <summary>An accepted connection proved the secret for <paramref name="node"/> (logged).</summary>
    public void OnInboundAuthenticated(string node, string remote) => NodeLinkLog.InboundAuthenticated(Logger, node, remote);

    /// <summary>An accepted connection was refused (logged).</summary>
    public void OnInboundRefused(string remote, string reason) => NodeLinkLog.InboundRefused(Logger, remote, reason);

    public Task<string?> AddressOf(string nodeId) => _addressOf(nodeId);

    public NodeLink Get(string nodeId) => _links.GetOrAdd(nodeId, static (id, links) => new NodeLink(links, id), this);

    /// <summary>
    /// Forwards a routed stanza (its slices, with <paramref name="fromAttribute"/> stamped) for a full JID on node
    /// <paramref name="nodeId"/>. False when the link is over its bound: the caller handles it as undeliverable.
    /// </summary>
    public bool SendStanza(string nodeId, ReadOnlySpan<byte> bareJid, ReadOnlySpan<byte> resource, scoped in StanzaSlices stanza, ReadOnlySpan<byte> fromAttribute)
    {
        Span<byte> prefix = stackalloc byte[NodeFrame.PrefixLength(bareJid, resource)];
        NodeFrame.WriteAddressed(prefix, NodeFrame.Stanza, bareJid, resource, stanza.Length + fromAttribute.Length);
        return Counted(Get(nodeId).Send(new OutboundParts(prefix, stanza.Head, fromAttribute, stanza.S1, stanza.S2, stanza.S3)),
            prefix.Length + stanza.Length + fromAttribute.Length);
    }

    /// <summary>Forwards a routed stanza from <paramref name="bareJid"/>/<paramref name="resource"/> (bound here, its
    /// <paramref name="fromAttribute"/> stamped) to a hosted service entity on node <paramref name="nodeId"/>.</summary>
    public bool SendToService(string nodeId, ReadOnlySpan<byte> bareJid, ReadOnlySpan<byte> resource, scoped in StanzaSlices stanza, ReadOnlySpan<byte> fromAttribute)
    {
        Span<byte> prefix = stackalloc byte[NodeFrame.PrefixLength(bareJid, resource)];
        NodeFrame.WriteAddressed(prefix, NodeFrame.Service, bareJid, resource, stanza.Length + fromAttribute.Length);
        return Get(nodeId).Send(new OutboundParts(prefix, stanza.Head, fromAttribute, stanza.S1, stanza.S2, stanza.S3));
    }

    /// <summary>Forwards server-made bytes (addressed, 'from' stamped) from a session bound here to a hosted service entity on node <paramref name="nodeId"/>.</summary>
    public bool SendBytesToService(string nodeId, ReadOnlySpan<byte> bareJid, ReadOnlySpan<byte> resource, ReadOnlySpan<byte> stanza)
    {
        Span<byte> prefix = stackalloc byte[NodeFrame.PrefixLength(bareJid, resource)];
        NodeFrame.WriteAddressed(prefix, NodeFrame.Service, bareJid, resource, stanza.Length);
        return Get(nodeId).Send(new OutboundParts(prefix, stanza));
    }

    /// <summary>Forwards server-made bytes (already addressed) for a full JID on node <paramref name="nodeId"/>.</summary>
    public bool SendBytes(string nodeId, ReadOnlySpan<byte> bareJid, ReadOnlySpan<byte> resource, ReadOnlySpan<byte> stanza)
    {
        Span<byte> prefix = stackalloc byte[NodeFrame.PrefixLength(bareJid, resource)];
        NodeFrame.WriteAddressed(prefix, NodeFrame.Stanza, bareJid, resource, stanza.Length);
        return Counted(Get(nodeId).Send(new OutboundParts(prefix, stanza)), prefix.Length + stanza.Length);
    }

    /// <summary>Counts a stanza frame the link took (one handled as undeliverable instead never left this node).</summary>
    private bool Counted(bool sent, int frameBytes)
    {
        if (sent)
        {
            Server.Metrics.LinkStanzas.Add(1, XmppMetrics.SentTag);
            Server.Metrics.LinkBytes.Add(frameBytes, XmppMetrics.SentTag);
        }

        return sent;
    }

    /// <summary>
    /// Sends one presence frame to node <paramref name="nodeId"/>: the presence of the session
    /// <paramref name="bareJid"/>/<paramref name="resource"/> for the <paramref name="count"/> sessions there that
    /// <paramref name="entries"/> lists (<see cref="NodePresenceFrame.AppendRecipient"/>). Presence a link cannot
    /// carry (over its bound, or lost with the connection) is dropped, as for a session that is gone.
    /// </summary>
    public void SendPresence(string nodeId, ReadOnlySpan<byte> bareJid, ReadOnlySpan<byte> resource, ReadOnlySpan<byte> fromAttribute, bool available,
        scoped in StanzaSlices presence, int count, ReadOnlySpan<byte> entries)
    {
        using var frame = new PooledBufferWriter(NodeFrame.PrefixLength(bareJid, resource) + fromAttribute.Length + entries.Length + presence.Length + 8);
        NodePresenceFrame.WritePresence(frame, bareJid, resource, fromAttribute, available, presence, count, entries);
        Get(nodeId).Send(new OutboundParts(frame.WrittenSpan));
    }

    /// <summary>Sends one probe frame to node <paramref name="nodeId"/> for the <paramref name="count"/> contacts in
    /// <paramref name="entries"/> (<see cref="NodePresenceFrame.AppendContact"/>).</summary>
    public void SendProbe(string nodeId, ReadOnlySpan<byte> bareJid, ReadOnlySpan<byte> resource, int count, ReadOnlySpan<byte> entries)
    {
        using var frame = new PooledBufferWriter(NodeFrame.PrefixLength(bareJid, resource) + entries.Length + 2);
        NodePresenceFrame.WriteProbe(frame, bareJid, resource, count, entries);
        Get(nodeId).Send(new OutboundParts(frame.WrittenSpan));
    }

    /// <summary>Sends a composed carbon (<see cref="NodeCarbonFrame"/>) for the sessions of <paramref name="ownerBare"/> on node <paramref name="nodeId"/>.</summary>
    public void SendCarbon(string nodeId, ReadOnlySpan<byte> ownerBare, ReadOnlySpan<byte> excludedResource, int bareBest, ReadOnlySpan<byte> head, ReadOnlySpan<byte> rest)
    {
        using var frame = new PooledBufferWriter(NodeFrame.PrefixLength(ownerBare, excludedResource) + head.Length + rest.Length + 8);
        NodeCarbonFrame.Write(frame, ownerBare, excludedResource, bareBest, head, rest);
        Get(nodeId).Send(new OutboundParts(frame.WrittenSpan));
    }

    /// <summary>Asks node <paramref name="nodeId"/> to end its session bound to the full JID (a newer login took it here).</summary>
    public void SendKick(string nodeId, ReadOnlySpan<byte> bareJid, ReadOnlySpan<byte> resource)
    {
        Span<byte> frame = stackalloc byte[NodeFrame.PrefixLength(bareJid, resource)];
        NodeFrame.WriteAddressed(frame, NodeFrame.Kick, bareJid, resource, 0);
        Get(nodeId).Send(new OutboundParts(frame));
    }
}
