using System.Text;
using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Reader;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Modules.Muc;

/// <summary>Groupchat fan-out, subject, private messages and mediated invitations (XEP-0045 §7.4, §7.5, §7.8, §8.1).</summary>
internal sealed partial class Room
{
    /// <summary>
    /// A groupchat message to the room: one look at its children (body, subject), then per occupant one copy of
    /// its bytes with 'from' = the sender's occupant JID and 'to' = the occupant's full JID, straight into the
    /// occupant's queue; the sender's id is kept. Nothing is allocated per occupant.
    /// </summary>
    public void Groupchat(XmppSession sender, in XmlElement element, ReadOnlySpan<byte> to)
    {
        if (GroupchatLocked(sender, element, to))
        {
            // A new subject of a persistent room is stored (not acknowledged: a groupchat message has no reply).
            _service.SaveIfPersistent(this, null);
        }
    }

    /// <summary>The fan-out under the room's lock; true when the subject changed.</summary>
    private bool GroupchatLocked(XmppSession sender, in XmlElement element, ReadOnlySpan<byte> to)
    {
        var message = XmlElementReader.Create(element.Raw, MucNames.Client);
        var hasBody = message.TryGetChild("body"u8, MucNames.Client, out _);
        var hasSubject = message.TryGetChild("subject"u8, MucNames.Client, out var subject);
        lock (Gate)
        {
            if (Destroyed || !_bySession.TryGetValue(sender, out var occupant))
            {
                sender.SendError(element, StanzaErrorCondition.NotAcceptable, to); // §7.4: occupants only
                return false;
            }

            if (occupant.Role < MucRole.Participant)
            {
                sender.SendError(element, StanzaErrorCondition.Forbidden, to); // §7.4: visitors have no voice
                return false;
            }

            var subjectChanged = false;
            if (hasSubject && !hasBody)
            {
                if (occupant.Role != MucRole.Moderator && !Config.ChangeSubject)
                {
                    sender.SendError(element, StanzaErrorCondition.Forbidden, to); // §8.1
                    return false;
                }

                subjectChanged = Config.Persistent;

                Subject = MucText.Read(subject);
                SubjectFrom = occupant.OccupantJid;
            }

            var slices = StanzaSlices.Of(element, cutTo: true);
            var from = occupant.FromAttribute;
            var occupants = _occupants;
            for (var i = 0; i < occupants.Count; i++)
            {
                var session = occupants[i].Session;
                session.Send(slices.With(from, session.ToAttribute));
            }

            if (hasBody)
            {
                _history.Add(slices, from, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            }

            return subjectChanged;
        }
    }

    /// <summary>A message or iq from an occupant to another (room@service/nick): relayed with the sender's occupant JID (§7.5).</summary>
    public void Relay(XmppSession sender, in XmlElement element, StanzaKind kind, ReadOnlySpan<byte> to, ReadOnlySpan<byte> nick)
    {
        var isRequest = kind != StanzaKind.Iq || element.TypeValue.SequenceEqual("get"u8) || element.TypeValue.SequenceEqual("set"u8);
        var isError = element.TypeValue.SequenceEqual(XmppNames.Error);
        lock (Gate)
        {
            if (Destroyed || !_bySession.TryGetValue(sender, out var occupant))
            {
                if (isRequest)
                {
                    sender.SendError(element, StanzaErrorCondition.NotAcceptable, to);
                }

                return;
            }

            var target = FindByNick(nick);
            if (kind == StanzaKind.Iq && ReferenceEquals(target, occupant) && IsPing(element))
            {
                sender.SendIqResult(element, default, to); // XEP-0410 self-ping: still joined
                return;
            }

            if (target is null)
            {
                if (isRequest)
                {
                    sender.SendError(element, StanzaErrorCondition.ItemNotFound, to);
                }

                return;
            }

            if (kind == StanzaKind.Message && !isError && !MayMessagePrivately(occupant))
            {
                sender.SendError(element, StanzaErrorCondition.Forbidden, to);
                return;
            }

            var session = target.Session;
            session.Send(StanzaSlices.Of(element, cutTo: true).With(occupant.FromAttribute, session.ToAttribute));
        }
    }

    private bool MayMessagePrivately(Occupant sender) => Config.AllowPrivateMessages switch
    {
        PrivateMessagePolicy.Anyone => true,
        PrivateMessagePolicy.Participants => sender.Role >= MucRole.Participant,
        PrivateMessagePolicy.Moderators => sender.Role == MucRole.Moderator,
        _ => false,
    };

    private static bool IsPing(in XmlElement element)
        => XmlElementReader.Create(element.Raw, MucNames.Client).TryGetChild("ping"u8, MucNames.PingNs, out _);

    /// <summary>
    /// A normal message to the room: mediated invitations and declines (§7.8.2) are handled; anything else is refused.
    /// </summary>
    public void HandleMessageToRoom(XmppSession sender, in XmlElement element, ReadOnlySpan<byte> to, MucService service)
    {
        var message = XmlElementReader.Create(element.Raw, MucNames.Client);
        if (!message.TryGetChild("x"u8, MucNames.UserNs, out var x))
        {
            sender.SendError(element, StanzaErrorCondition.BadRequest, to);
            return;
        }

        if (x.TryGetChild("decline"u8, MucNames.UserNs, out var decline))
        {
            Decline(sender, element, to, decline, service);
            return;
        }

        var invites = new List<(byte[] Jid, string? Reason)>();
        foreach (var child in x.GetChildren())
        {
            if (!child.Is("invite"u8, MucNames.UserNs))
            {
                continue;
            }

            if (!child.TryGetAttribute("to"u8, out var rawTo) || !TryNormalize(rawTo, out var invitee))
            {
                sender.SendError(element, StanzaErrorCondition.JidMalformed, to);
                return;
            }

            invites.Add((invitee, MucText.Child(child, "reason"u8, MucNames.UserNs)));
        }

        if (invites.Count == 0)
        {
            sender.SendError(element, StanzaErrorCondition.BadRequest, to);
            return;
        }

        string password;
        var addMembers = new List<byte[]>();
        lock (Gate)
        {
            if (Destroyed || !_bySession.TryGetValue(sender, out var occupant))
            {
                sender.SendError(element, StanzaErrorCondition.NotAcceptable, to);
                return;
            }

            // §7.8.2: in a members-only room only admins and owners invite, unless occupants may (allowinvites).
            var mayInvite = Config.MembersOnly
                ? occupant.Affiliation >= MucAffiliation.Admin || (Config.AllowInvites && occupant.Role >= MucRole.Participant)
                : occupant.Role >= MucRole.Participant;
            if (!mayInvite)
            {
                sender.SendError(element, StanzaErrorCondition.Forbidden, to);
                return;
            }

            password = Config.Password;
            if (Config.MembersOnly)
            {
                foreach (var (jid, _) in invites)
                {
                    var bare = BareOf(jid);
                    if (AffiliationOf(bare) == MucAffiliation.None)
                    {
                        _affiliations[Encoding.UTF8.GetString(bare)] = MucAffiliation.Member;
                        addMembers.Add(bare);
                    }
                }
            }
        }

        foreach (var (jid, reason) in invites)
        {
            var writer = ScratchWriter.Rent();
            writer.Write("<message"u8);
            EscapingWriter.WriteEscapedAttribute(writer, "from"u8, Jid);
            EscapingWriter.WriteEscapedAttribute(writer, "to"u8, jid);
            if (element.Id.IsPresent)
            {
                EscapingWriter.WriteAttribute(writer, "id"u8, element.IdValue);
            }

            writer.Write("><x xmlns='http://jabber.org/protocol/muc#user'><invite"u8);
            EscapingWriter.WriteEscapedAttribute(writer, "from"u8, sender.FullJid);
            writer.Write(">"u8);
            if (reason is not null)
            {
                MucPresence.WriteText(writer, "reason"u8, reason);
            }

            writer.Write("</invite>"u8);
            if (password.Length > 0)
            {
                MucPresence.WriteText(writer, "password"u8, password);
            }

            writer.Write("</x><x xmlns='jabber:x:conference'"u8);
            EscapingWriter.WriteEscapedAttribute(writer, "jid"u8, Jid);
            writer.Write("/></message>"u8);
            service.DeliverToUser(jid, writer.WrittenSpan);
        }

        if (addMembers.Count > 0)
        {
            service.SaveIfPersistent(this, null);
        }
    }

    private void Decline(XmppSession sender, in XmlElement element, ReadOnlySpan<byte> to, XmlElementReader decline, MucService service)
    {
        if (!decline.TryGetAttribute("to"u8, out var rawTo) || !TryNormalize(rawTo, out var inviter))
        {
            sender.SendError(element, StanzaErrorCondition.JidMalformed, to);
            return;
        }

        var reason = MucText.Child(decline, "reason"u8, MucNames.UserNs);
        var writer = ScratchWriter.Rent();
        writer.Write("<message"u8);
        EscapingWriter.WriteEscapedAttribute(writer, "from"u8, Jid);
        EscapingWriter.WriteEscapedAttribute(writer, "to"u8, inviter);
        writer.Write("><x xmlns='http://jabber.org/protocol/muc#user'><decline"u8);
        EscapingWriter.WriteEscapedAttribute(writer, "from"u8, sender.BareJid);
        writer.Write(">"u8);
        if (reason is not null)
        {
            MucPresence.WriteText(writer, "reason"u8, reason);
        }

        writer.Write("</decline></x></message>"u8);
        service.DeliverToUser(inviter, writer.WrittenSpan);
    }

    private static bool TryNormalize(ReadOnlySpan<byte> raw, out byte[] jid)
    {
        Span<byte> buffer = stackalloc byte[JidNormalizer.MaxJidBytes];
        if (!JidText.TryNormalize(raw, buffer, out var length, out _))
        {
            jid = [];
            return false;
        }

        jid = buffer[..length].ToArray();
        return true;
    }

    private static byte[] BareOf(byte[] jid)
    {
        var parts = JidParts.OfNormalized(jid);
        return parts.HasResource ? jid[..parts.BareLength] : jid;
    }
}
