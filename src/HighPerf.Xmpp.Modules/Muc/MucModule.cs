using System.Text;
using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Reader;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Modules.Muc;

/// <summary>
/// XEP-0045 multi-user chat on its own domain (conference.&lt;domain&gt; by default): the router hands it every
/// stanza addressed there (<see cref="IHostedDomainHandler"/>), and it routes them to rooms: presence to
/// room/nick enters, changes nick or leaves; groupchat messages fan out; iqs to the room are its admin, owner
/// and disco iqs; stanzas to room/nick are relayed to that occupant. Sessions that end or go unavailable
/// leave their rooms.
/// </summary>
public sealed partial class MucModule(MucOptions options) : IXmppModule, IHostedDomainHandler, ISessionObserver, IStanzaInterceptor
{
    private MucService? _service;
    private byte[] _serviceInfo = [];

    public MucModule()
        : this(new MucOptions())
    {
    }

    public string Name => "muc";

    /// <summary>The service's domain once registered.</summary>
    public string? Domain => _service?.Domain;

    public void Register(ModuleRegistry registry, XmppServer server)
    {
        var domain = (options.Domain ?? "conference." + Encoding.UTF8.GetString(server.DefaultDomain)).Trim().ToLowerInvariant();
        if (server.IsLocalDomain(Encoding.UTF8.GetBytes(domain)))
        {
            throw new InvalidOperationException($"The MUC service domain '{domain}' is also a served domain.");
        }

        _server = server;
        _service = new MucService(server, options, domain);
        _service.Load();
        _serviceInfo = BuildServiceInfo(options.Name);
        registry.AddHostedDomain(domain, this);
        registry.AddSessionObserver(this);
        registry.AddInterceptor(this);
    }

    public void HandleStanza(XmppSession sender, in XmlElement element, StanzaKind kind, ReadOnlySpan<byte> to, in JidParts toParts)
    {
        var service = _service!;
        if (!toParts.HasLocal)
        {
            HandleServiceStanza(sender, element, kind, to);
            return;
        }

        if (TryForwardToRoomNode(sender, element, kind, to, toParts))
        {
            return;
        }

        var roomJid = toParts.Bare(to);
        var nick = toParts.HasResource ? toParts.Resource(to) : default;
        switch (kind)
        {
            case StanzaKind.Presence:
                HandlePresence(service, sender, element, to, roomJid, nick);
                break;
            case StanzaKind.Message:
                HandleMessage(service, sender, element, to, roomJid, nick);
                break;
            default:
                HandleIq(service, sender, element, to, roomJid, nick);
                break;
        }
    }

    private static void HandlePresence(MucService service, XmppSession sender, in XmlElement element, ReadOnlySpan<byte> to, ReadOnlySpan<byte> roomJid, ReadOnlySpan<byte> nick)
    {
        var type = StanzaTypes.ParsePresence(element.TypeValue, element.Type.IsPresent);
        if (type == PresenceType.Available && nick.IsEmpty)
        {
            sender.SendError(element, StanzaErrorCondition.JidMalformed, to); // §7.2.1: entering needs a nickname
            return;
        }

        if (type is not (PresenceType.Available or PresenceType.Unavailable or PresenceType.Error))
        {
            return; // subscriptions to a room mean nothing
        }

        for (var attempt = 0; attempt < 4; attempt++)
        {
            Room? room;
            var created = false;
            if (type == PresenceType.Available)
            {
                room = service.GetOrCreate(roomJid, sender.BareJid, out created);
                if (room is null)
                {
                    sender.SendError(element, StanzaErrorCondition.NotAllowed, to); // §10.1.1: room creation is restricted
                    return;
                }
            }
            else if (!service.TryGet(roomJid, out room))
            {
                return;
            }

            if (room.HandlePresence(sender, element, type, to, nick, created))
            {
                return;
            }
        }
    }

    private static void HandleMessage(MucService service, XmppSession sender, in XmlElement element, ReadOnlySpan<byte> to, ReadOnlySpan<byte> roomJid, ReadOnlySpan<byte> nick)
    {
        var type = StanzaTypes.ParseMessage(element.TypeValue);
        if (!service.TryGet(roomJid, out var room))
        {
            var missing = type == MessageType.Groupchat || !nick.IsEmpty ? service.MissingRoomCondition : StanzaErrorCondition.ItemNotFound;
            sender.SendError(element, missing, to);
            return;
        }

        if (!nick.IsEmpty)
        {
            if (type == MessageType.Groupchat)
            {
                sender.SendError(element, StanzaErrorCondition.BadRequest, to); // §7.5: groupchat goes to the room
                return;
            }

            room.Relay(sender, element, StanzaKind.Message, to, nick);
            return;
        }

        switch (type)
        {
            case MessageType.Groupchat:
                room.Groupchat(sender, element, to);
                break;
            case MessageType.Error:
                break;
            default:
                room.HandleMessageToRoom(sender, element, to, service);
                break;
        }
    }

    private void HandleIq(MucService service, XmppSession sender, in XmlElement element, ReadOnlySpan<byte> to, ReadOnlySpan<byte> roomJid, ReadOnlySpan<byte> nick)
    {
        var type = StanzaTypes.ParseIq(element.TypeValue);
        if (type == IqType.Invalid || !element.Id.IsPresent)
        {
            sender.SendError(element, StanzaErrorCondition.BadRequest, to);
            return;
        }

        var isRequest = type is IqType.Get or IqType.Set;
        if (!service.TryGet(roomJid, out var room))
        {
            if (isRequest)
            {
                sender.SendError(element, nick.IsEmpty ? StanzaErrorCondition.ItemNotFound : service.MissingRoomCondition, to);
            }

            return;
        }

        if (!nick.IsEmpty)
        {
            room.Relay(sender, element, StanzaKind.Iq, to, nick);
            return;
        }

        if (!isRequest)
        {
            return;
        }

        var iq = XmlElementReader.Create(element.Raw, XmppNames.NsClient);
        if (!iq.TryGetFirstChild(out var query))
        {
            sender.SendError(element, StanzaErrorCondition.BadRequest, to);
            return;
        }

        var ns = query.Namespace;
        var get = type == IqType.Get;
        StanzaErrorCondition error;
        if (ns.SequenceEqual(MucNames.DiscoInfoNs) && get)
        {
            sender.SendIqResult(element, room.DiscoInfo(), to);
        }
        else if (ns.SequenceEqual(MucNames.DiscoItemsNs) && get)
        {
            sender.SendIqResult(element, "<query xmlns='http://jabber.org/protocol/disco#items'/>"u8, to);
        }
        else if (ns.SequenceEqual(MucNames.AdminNs) && get)
        {
            var result = room.AdminGet(sender, query, out error);
            Reply(sender, element, to, result, error);
        }
        else if (ns.SequenceEqual(MucNames.AdminNs))
        {
            if (room.AdminSet(sender, query, out var affiliationsChanged) is { } refusal)
            {
                sender.SendError(element, refusal, to);
            }
            else if (affiliationsChanged)
            {
                service.SaveIfPersistent(room, DeferredIqReply.For(sender, element, to));
            }
            else
            {
                sender.SendIqResult(element, default, to);
            }
        }
        else if (ns.SequenceEqual(MucNames.OwnerNs) && get)
        {
            var form = room.OwnerGet(sender, options, out error);
            Reply(sender, element, to, form, error);
        }
        else if (ns.SequenceEqual(MucNames.OwnerNs))
        {
            var outcome = room.OwnerSet(sender, query, options, out error, out var wasPersistent);
            switch (outcome)
            {
                case Room.OwnerOutcome.Refused:
                    sender.SendError(element, error, to);
                    break;
                case Room.OwnerOutcome.Configured:
                case Room.OwnerOutcome.Destroyed:
                    service.SaveIfPersistent(room, DeferredIqReply.For(sender, element, to), wasPersistent);
                    break;
                default:
                    sender.SendIqResult(element, default, to);
                    break;
            }
        }
        else if (ns.SequenceEqual(MucNames.PingNs))
        {
            sender.SendIqResult(element, default, to);
        }
        else
        {
            sender.SendError(element, StanzaErrorCondition.ServiceUnavailable, to);
        }
    }

    private static void Reply(XmppSession sender, in XmlElement element, ReadOnlySpan<byte> to, byte[]? result, StanzaErrorCondition error)
    {
        if (result is null)
        {
            sender.SendError(element, error, to);
        }
        else
        {
            sender.SendIqResult(element, result, to);
        }
    }

    /// <summary>Stanzas to the service itself: its disco#info and the directory of public rooms (XEP-0045 §6.1-§6.3).</summary>
    private void HandleServiceStanza(XmppSession sender, in XmlElement element, StanzaKind kind, ReadOnlySpan<byte> to)
    {
        if (kind == StanzaKind.Presence)
        {
            return;
        }

        if (kind == StanzaKind.Message)
        {
            if (!element.TypeValue.SequenceEqual(XmppNames.Error))
            {
                sender.SendError(element, StanzaErrorCondition.ServiceUnavailable, to);
            }

            return;
        }

        var type = StanzaTypes.ParseIq(element.TypeValue);
        if (type is not (IqType.Get or IqType.Set))
        {
            if (type == IqType.Invalid)
            {
                sender.SendError(element, StanzaErrorCondition.BadRequest, to);
            }

            return;
        }

        var iq = XmlElementReader.Create(element.Raw, XmppNames.NsClient);
        if (!element.Id.IsPresent || !iq.TryGetFirstChild(out var query))
        {
            sender.SendError(element, StanzaErrorCondition.BadRequest, to);
            return;
        }

        if (type == IqType.Get && query.Is("query"u8, MucNames.DiscoInfoNs))
        {
            sender.SendIqResult(element, _serviceInfo, to);
        }
        else if (type == IqType.Get && query.Is("query"u8, MucNames.DiscoItemsNs))
        {
            using var writer = new PooledBufferWriter(1024);
            writer.Write("<query xmlns='http://jabber.org/protocol/disco#items'>"u8);
            foreach (var room in _service!.Rooms)
            {
                room.WriteDirectoryItem(writer);
            }

            writer.Write("</query>"u8);
            sender.SendIqResult(element, writer.WrittenSpan, to);
        }
        else if (query.Is("ping"u8, MucNames.PingNs))
        {
            sender.SendIqResult(element, default, to);
        }
        else
        {
            sender.SendError(element, StanzaErrorCondition.ServiceUnavailable, to);
        }
    }

    private static byte[] BuildServiceInfo(string name)
    {
        using var form = new MucFormWriter(512);
        form.Raw("<query xmlns='http://jabber.org/protocol/disco#info'><identity category='conference' type='text'");
        form.RawAttribute("name", name);
        form.Raw("/><feature var='http://jabber.org/protocol/muc'/><feature var='http://jabber.org/protocol/disco#info'/>"
            + "<feature var='http://jabber.org/protocol/disco#items'/><feature var='urn:xmpp:ping'/></query>");
        return form.ToArray();
    }

    public void OnBound(XmppSession session)
    {
    }

    public void OnEnded(XmppSession session, bool lastSessionOfUser) => LeaveAll(session);

    /// <summary>Broadcast unavailable presence (no 'to') also reaches the rooms the session is in (RFC 6121 §4.6.3).</summary>
    public bool OnClientStanza(XmppSession sender, in XmlElement element, StanzaKind kind, ReadOnlySpan<byte> to)
    {
        if (kind == StanzaKind.Presence && to.IsEmpty && element.TypeValue.SequenceEqual("unavailable"u8) && (_service!.Sessions.IsInAnyRoom(sender) || _remoteRooms.IsInAny(sender)))
        {
            LeaveAll(sender);
        }

        return true;
    }

    private void LeaveAll(XmppSession session)
    {
        LeaveRemoteRooms(session);
        foreach (var room in _service!.Sessions.Of(session))
        {
            room.Evict(session);
        }
    }
}
