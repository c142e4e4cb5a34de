using System.Collections.Concurrent;
using System.Text;
using HighPerf.Xmpp.Cluster.Directory;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Cluster;
using HighPerf.Xmpp.Core.Collections;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Tokenizer;
using StackExchange.Redis;

namespace HighPerf.Xmpp.Cluster.Rooms;

/// <summary>
/// Room placement on the shared engine: one hash (<c>&lt;prefix&gt;muc:placement</c>) room JID → id of the node that
/// serves it. A node claims a room (atomically, <see cref="RoomPlacementScripts.Claim"/>) when it is the first to
/// touch it or when the node named there is dead by the session directory's heartbeats; node ids are per start, so a
/// restarted node owns nothing from its previous run. The record is never given back while its node lives (a
/// temporary room destroyed there is recreated there), so a cached owner stays right until that node dies, and the
/// cache needs no invalidation: a dead owner is noticed by <see cref="SessionDirectory.IsLive"/>.
/// </summary>
public sealed class RoomPlacement : IRoomPlacement
{
    private readonly SessionDirectory _directory;
    private readonly NodeLinks _links;
    private readonly XmppServer _server;
    private readonly RedisKey _key;
    private readonly ConcurrentDictionary<byte[], string> _owners = new(new Utf8KeyComparer());
    private readonly ConcurrentDictionary<byte[], string>.AlternateLookup<ReadOnlySpan<byte>> _ownersByJid;

    public RoomPlacement(XmppServer server, SessionDirectory directory, NodeLinks links)
    {
        ArgumentNullException.ThrowIfNull(directory);
        _server = server;
        _directory = directory;
        _links = links;
        _key = directory.KeyPrefix + "muc:placement";
        _ownersByJid = _owners.GetAlternateLookup<ReadOnlySpan<byte>>();
        directory.NodeDead += OnNodeDead;
    }

    public string NodeId => _links.NodeId;

    public string Place(ReadOnlySpan<byte> roomJid, out bool claimed)
    {
        claimed = false;
        if (_ownersByJid.TryGetValue(roomJid, out var owner) && IsServing(owner))
        {
            return owner;
        }

        var room = roomJid.ToArray();
        var current = (string?)_directory.Database.HashGet(_key, room);
        if (current is null || !IsServing(current))
        {
            var winner = (string?)_directory.Database.ScriptEvaluate(RoomPlacementScripts.Claim, [_key], [room, NodeId, current ?? ""]);
            claimed = winner == NodeId;
            current = winner ?? NodeId;
        }

        _owners[room] = current;
        return current;
    }

    public bool Forward(string nodeId, XmppSession sender, in XmlElement element)
    {
        ArgumentNullException.ThrowIfNull(sender);
        var slices = StanzaSlices.Of(element, cutTo: false);
        return _links.SendToService(nodeId, sender.BareJid, sender.Resource, slices, sender.FromAttribute);
    }

    public bool ForwardBytes(string nodeId, XmppSession sender, ReadOnlySpan<byte> stanza)
    {
        ArgumentNullException.ThrowIfNull(sender);
        return _links.SendBytesToService(nodeId, sender.BareJid, sender.Resource, stanza);
    }

    public bool SendTo(string nodeId, ReadOnlySpan<byte> bareJid, ReadOnlySpan<byte> resource, scoped in OutboundParts stanza)
    {
        var length = stanza.Length;
        if (length <= 2048)
        {
            Span<byte> bytes = stackalloc byte[length];
            stanza.CopyTo(bytes);
            return _links.SendBytes(nodeId, bareJid, resource, bytes);
        }

        using var writer = new PooledBufferWriter(length);
        stanza.CopyTo(writer.GetSpan(length));
        writer.Advance(length);
        return _links.SendBytes(nodeId, bareJid, resource, writer.WrittenSpan);
    }

    private bool IsServing(string nodeId) => nodeId == NodeId || _directory.IsLive(nodeId);

    /// <summary>Tells the placed services (MUC) that the node's sessions are gone.</summary>
    private void OnNodeDead(string nodeId)
    {
        foreach (var name in _server.Modules.HostedDomains)
        {
            if (_server.Modules.TryGetHostedDomain(Encoding.UTF8.GetBytes(name), out var handler) && handler is IClusterHostedDomain placed)
            {
                placed.OnNodeDead(nodeId);
            }
        }
    }
}
