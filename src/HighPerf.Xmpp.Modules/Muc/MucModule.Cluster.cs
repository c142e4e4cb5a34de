using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Cluster;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Modules.Muc;

/// <summary>
/// Rooms across the nodes of a cluster (<see cref="XmppServer.RoomPlacement"/> set): each room lives on the node
/// its placement record names. A local session's stanza to a room elsewhere is forwarded there as it is ('from'
/// stamped); the room's node handles it with a stand-in for the sender (<see cref="RemoteOccupants"/>), so the
/// room code is the single-node one, and what the room sends the stand-in goes back over the links. A session that
/// ends here leaves its remote rooms by an unavailable presence; when a node dies, the rooms here evict its
/// occupants, and the rooms it served are claimed by the next node that gets a stanza for them (reloaded from the
/// shared store; nobody is an occupant there until they join again).
/// </summary>
public sealed partial class MucModule : IClusterHostedDomain
{
    private readonly RemoteOccupants _remoteOccupants = new();
    private readonly RemoteRooms _remoteRooms = new();
    private XmppServer? _server;

    /// <summary>True when the room lives on another node: the stanza went there (or was bounced when the link is full).</summary>
    private bool TryForwardToRoomNode(XmppSession sender, in XmlElement element, StanzaKind kind, ReadOnlySpan<byte> to, in JidParts toParts)
    {
        if (_server?.RoomPlacement is not { } placement || RemoteOccupants.IsStandIn(sender) || sender.IsRemote)
        {
            return false;
        }

        var roomJid = toParts.Bare(to);
        var node = placement.Place(roomJid, out var claimed);
        if (node == placement.NodeId)
        {
            if (claimed)
            {
                _service!.Reload(roomJid);
            }

            return false;
        }

        if (kind == StanzaKind.Presence)
        {
            var type = StanzaTypes.ParsePresence(element.TypeValue, element.Type.IsPresent);
            if (type == PresenceType.Available)
            {
                _remoteRooms.Joined(sender, roomJid);
            }
            else if (type == PresenceType.Unavailable)
            {
                _remoteRooms.Left(sender, roomJid);
            }
        }

        if (!placement.Forward(node, sender, element) && kind != StanzaKind.Presence)
        {
            sender.SendError(element, StanzaErrorCondition.ServiceUnavailable, to);
        }

        return true;
    }

    /// <summary>The session ends or went unavailable: the rooms on other nodes learn it as from the session itself (§7.14).</summary>
    private void LeaveRemoteRooms(XmppSession session)
    {
        if (_server?.RoomPlacement is not { } placement || !_remoteRooms.IsInAny(session))
        {
            return;
        }

        foreach (var room in _remoteRooms.Take(session))
        {
            var roomJid = System.Text.Encoding.UTF8.GetBytes(room);
            var node = placement.Place(roomJid, out var claimed);
            if (node == placement.NodeId)
            {
                if (claimed)
                {
                    _service!.Reload(roomJid);
                }

                continue; // taken over here: the session is not an occupant of the reloaded room
            }

            using var writer = new PooledBufferWriter(128);
            writer.Write("<presence type='unavailable'"u8);
            writer.Write(session.FromAttribute);
            EscapingWriter.WriteEscapedAttribute(writer, XmppNames.To, roomJid);
            writer.Write("/>"u8);
            placement.ForwardBytes(node, session, writer.WrittenSpan);
        }
    }

    public void HandleForwarded(string fromNode, ReadOnlySpan<byte> bareJid, ReadOnlySpan<byte> resource, in XmlElement element, ReadOnlySpan<byte> to, in JidParts toParts)
    {
        if (_server?.RoomPlacement is not { } placement || _service is null)
        {
            return;
        }

        var standIn = _remoteOccupants.Get(_server, placement, fromNode, bareJid, resource, out var replaced);
        if (replaced is not null)
        {
            LeaveAllLocal(replaced); // the full JID was bound again on another node: the old session is gone
        }

        var name = element.LocalName;
        var kind = name.SequenceEqual(XmppNames.Message) ? StanzaKind.Message
            : name.SequenceEqual(XmppNames.Presence) ? StanzaKind.Presence
            : StanzaKind.Iq;
        HandleStanza(standIn, element, kind, to, toParts);
        if (!_service.Sessions.IsInAnyRoom(standIn))
        {
            _remoteOccupants.Forget(standIn);
        }
    }

    public void OnNodeDead(string nodeId)
    {
        foreach (var standIn in _remoteOccupants.TakeNode(nodeId))
        {
            LeaveAllLocal(standIn);
        }
    }

    private void LeaveAllLocal(XmppSession session)
    {
        foreach (var room in _service!.Sessions.Of(session))
        {
            room.Evict(session);
        }
    }
}
