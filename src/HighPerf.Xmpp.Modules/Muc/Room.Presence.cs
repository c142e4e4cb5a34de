using System.Buffers.Text;
using System.Globalization;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Reader;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Modules.Muc;

/// <summary>Entering, presence updates, nickname changes and leaving (XEP-0045 §7.2, §7.6, §7.7, §7.14).</summary>
internal sealed partial class Room
{
    /// <summary>
    /// A presence to room@service/nick. Returns false when the room was destroyed meanwhile (the caller looks
    /// the room up again). <paramref name="created"/>: the sender's join is creating the room.
    /// </summary>
    public bool HandlePresence(XmppSession sender, in XmlElement element, PresenceType type, ReadOnlySpan<byte> to, ReadOnlySpan<byte> nick, bool created)
    {
        lock (Gate)
        {
            if (Destroyed)
            {
                return false;
            }

            _bySession.TryGetValue(sender, out var existing);
            switch (type)
            {
                case PresenceType.Unavailable when existing is not null:
                    existing.PresencePayload = ExtractPayload(element.Raw);
                    Broadcast(new OccupantNotice { Subject = existing, Unavailable = true });
                    RemoveOccupant(existing);
                    break;
                case PresenceType.Error when existing is not null:
                    // XEP-0045 §18.1: an occupant whose client bounces room traffic is a ghost; it leaves.
                    existing.PresencePayload = [];
                    Broadcast(new OccupantNotice { Subject = existing, Unavailable = true });
                    RemoveOccupant(existing);
                    break;
                case PresenceType.Available when existing is null:
                    Enter(sender, element, to, nick, created);
                    break;
                case PresenceType.Available when existing.Nick.AsSpan().SequenceEqual(nick):
                    existing.PresencePayload = ExtractPayload(element.Raw);
                    Broadcast(new OccupantNotice { Subject = existing });
                    break;
                case PresenceType.Available:
                    ChangeNick(existing, element, to, nick);
                    break;
                default:
                    break;
            }

            if (created && _occupants.Count == 0 && !Destroyed)
            {
                MarkDestroyed(); // the creating join failed: no room is left behind
            }

            return true;
        }
    }

    /// <summary>The session ended or went unavailable without telling the room (XEP-0045 §7.14 by the server).</summary>
    public void Evict(XmppSession session)
    {
        lock (Gate)
        {
            if (Destroyed || !_bySession.TryGetValue(session, out var occupant))
            {
                return;
            }

            occupant.PresencePayload = [];
            Broadcast(new OccupantNotice { Subject = occupant, Unavailable = true }); // a closed session's copy is dropped
            RemoveOccupant(occupant);
        }
    }

    private void Enter(XmppSession sender, in XmlElement element, ReadOnlySpan<byte> to, ReadOnlySpan<byte> nick, bool created)
    {
        var affiliation = AffiliationOf(sender.BareJid);
        if (created)
        {
            affiliation = MucAffiliation.Owner;
            _affiliations[System.Text.Encoding.UTF8.GetString(sender.BareJid)] = MucAffiliation.Owner;
        }

        var join = XmlElementReader.Create(element.Raw, MucNames.Client);
        var hasMuc = join.TryGetChild("x"u8, MucNames.MucNs, out var mucElement);
        StanzaErrorCondition? refusal = null;
        if (Locked && affiliation != MucAffiliation.Owner)
        {
            refusal = StanzaErrorCondition.ItemNotFound; // §10.1.1: nobody enters a room awaiting its configuration
        }
        else if (affiliation == MucAffiliation.Outcast)
        {
            refusal = StanzaErrorCondition.Forbidden; // §7.2.7
        }
        else if (FindByNick(nick) is not null)
        {
            refusal = StanzaErrorCondition.Conflict; // §7.2.8
        }
        else if (Config.MembersOnly && affiliation < MucAffiliation.Member)
        {
            refusal = StanzaErrorCondition.RegistrationRequired; // §7.2.6
        }
        else if (Config.PasswordProtected && !PasswordMatches(hasMuc, mucElement))
        {
            refusal = StanzaErrorCondition.NotAuthorized; // §7.2.5
        }
        else if (Config.MaxUsers > 0 && _occupants.Count >= Config.MaxUsers && affiliation < MucAffiliation.Admin)
        {
            refusal = StanzaErrorCondition.ServiceUnavailable; // §7.2.10
        }

        if (refusal is { } condition)
        {
            sender.SendError(element, condition, to);
            return;
        }

        var occupant = new Occupant(sender, Jid, nick.ToArray(), DefaultRole(affiliation), affiliation)
        {
            PresencePayload = ExtractPayload(element.Raw),
        };

        // §7.2.3: first the occupants already there, then everyone learns of the newcomer, itself last with 110.
        foreach (var other in _occupants)
        {
            MucPresence.Send(sender, new OccupantNotice { Subject = other }, ShowsJidTo(occupant));
        }

        AddOccupant(occupant);
        var notice = new OccupantNotice { Subject = occupant };
        foreach (var recipient in _occupants)
        {
            if (!ReferenceEquals(recipient, occupant))
            {
                MucPresence.Send(recipient.Session, notice, ShowsJidTo(recipient));
            }
        }

        var selfStatus = MucStatus.Self | (Config.NonAnonymous ? MucStatus.NonAnonymous : 0) | (created ? MucStatus.Created : 0);
        MucPresence.Send(sender, notice, true, selfStatus);

        SendHistory(sender, hasMuc, mucElement);
        SendSubject(sender);
    }

    private bool PasswordMatches(bool hasMuc, XmlElementReader muc)
    {
        if (!hasMuc || !muc.TryGetChild("password"u8, MucNames.MucNs, out var password))
        {
            return false;
        }

        return MucText.Read(password) == Config.Password;
    }

    private void SendHistory(XmppSession recipient, bool hasMuc, XmlElementReader muc)
    {
        int maxStanzas = -1, maxChars = -1;
        long since = long.MinValue;
        if (hasMuc && muc.TryGetChild("history"u8, MucNames.MucNs, out var history))
        {
            if (history.TryGetAttribute("maxstanzas"u8, out var value) && Utf8Parser.TryParse(value, out int stanzas, out _))
            {
                maxStanzas = Math.Max(stanzas, 0);
            }

            if (history.TryGetAttribute("maxchars"u8, out value) && Utf8Parser.TryParse(value, out int chars, out _))
            {
                maxChars = Math.Max(chars, 0);
            }

            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            if (history.TryGetAttribute("seconds"u8, out value) && Utf8Parser.TryParse(value, out long seconds, out _))
            {
                since = Math.Max(since, now - (Math.Max(seconds, 0) * 1000));
            }

            if (history.TryGetAttribute("since"u8, out value)
                && DateTimeOffset.TryParse(System.Text.Encoding.UTF8.GetString(value), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var sinceStamp))
            {
                since = Math.Max(since, sinceStamp.ToUnixTimeMilliseconds());
            }
        }

        _history.Replay(recipient, Jid, maxStanzas, maxChars, since);
    }

    /// <summary>§7.2.15: the subject comes last (an empty one when none is set), which tells the client the join is complete.</summary>
    private void SendSubject(XmppSession recipient)
    {
        var writer = ScratchWriter.Rent();
        writer.Write("<message type='groupchat'"u8);
        EscapingWriter.WriteEscapedAttribute(writer, "from"u8, SubjectFrom ?? Jid);
        writer.Write(recipient.ToAttribute);
        writer.Write(">"u8);
        if (Subject.Length == 0)
        {
            writer.Write("<subject/>"u8);
        }
        else
        {
            MucPresence.WriteText(writer, "subject"u8, Subject);
        }

        writer.Write("</message>"u8);
        recipient.Send(writer.WrittenSpan);
    }

    private void ChangeNick(Occupant occupant, in XmlElement element, ReadOnlySpan<byte> to, ReadOnlySpan<byte> nick)
    {
        if (FindByNick(nick) is not null)
        {
            occupant.Session.SendError(element, StanzaErrorCondition.Conflict, to); // §7.6.3
            return;
        }

        // §7.6.3: unavailable for the old nick with 303 and the new nick, then available under the new one.
        Broadcast(new OccupantNotice { Subject = occupant, Unavailable = true, Status = MucStatus.NickChanged, NewNick = nick });
        _byNick.Remove(occupant.Nick);
        occupant.SetNick(Jid, nick.ToArray());
        _byNick[occupant.Nick] = occupant;
        occupant.PresencePayload = ExtractPayload(element.Raw);
        Broadcast(new OccupantNotice { Subject = occupant });
    }

    /// <summary>The presence's children to repeat to occupants: everything but MUC elements (the join request, or a forged muc#user).</summary>
    private static byte[] ExtractPayload(ReadOnlySpan<byte> rawPresence)
    {
        var presence = XmlElementReader.Create(rawPresence, MucNames.Client);
        if (presence.IsEmpty)
        {
            return [];
        }

        var writer = ScratchWriter.RentPayload();
        foreach (var child in presence.GetChildren())
        {
            if (child.Namespace.SequenceEqual(MucNames.MucNs) || child.Namespace.SequenceEqual(MucNames.UserNs))
            {
                continue;
            }

            if (!child.Prefix.IsEmpty)
            {
                continue; // its prefix is declared on the presence, which is not copied
            }

            writer.Write(child.Raw);
        }

        return writer.WrittenCount == 0 ? [] : writer.ToArray();
    }
}
