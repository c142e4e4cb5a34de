using System.Text;
using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Reader;

namespace HighPerf.Xmpp.Modules.Muc;

/// <summary>The muc#admin iqs (XEP-0045 §8, §9): kick, voice, moderator, ban, member and admin lists, with the XEP's permission rules.</summary>
internal sealed partial class Room
{
    /// <summary>An admin get: the occupants of a role or the users of an affiliation. Null: forbidden/bad-request in <paramref name="error"/>.</summary>
    public byte[]? AdminGet(XmppSession sender, XmlElementReader query, out StanzaErrorCondition error)
    {
        error = StanzaErrorCondition.BadRequest;
        if (!query.TryGetChild("item"u8, MucNames.AdminNs, out var item))
        {
            return null;
        }

        lock (Gate)
        {
            var actorAffiliation = AffiliationOf(sender.BareJid);
            _bySession.TryGetValue(sender, out var actor);
            using var writer = new PooledBufferWriter(512);
            writer.Write("<query xmlns='http://jabber.org/protocol/muc#admin'>"u8);
            if (item.TryGetAttribute("affiliation"u8, out var rawAffiliation) && MucNames.TryParseAffiliation(rawAffiliation, out var affiliation))
            {
                if (actorAffiliation < MucAffiliation.Admin || affiliation == MucAffiliation.None)
                {
                    error = actorAffiliation < MucAffiliation.Admin ? StanzaErrorCondition.Forbidden : StanzaErrorCondition.BadRequest;
                    return null;
                }

                foreach (var (jid, held) in _affiliations)
                {
                    if (held == affiliation)
                    {
                        writer.Write("<item"u8);
                        EscapingWriter.WriteEscapedAttribute(writer, "affiliation"u8, rawAffiliation);
                        EscapingWriter.WriteEscapedAttribute(writer, "jid"u8, Encoding.UTF8.GetBytes(jid));
                        writer.Write("/>"u8);
                    }
                }
            }
            else if (item.TryGetAttribute("role"u8, out var rawRole) && MucNames.TryParseRole(rawRole, out var role) && role != MucRole.None)
            {
                if (actor is null || actor.Role != MucRole.Moderator)
                {
                    error = StanzaErrorCondition.Forbidden;
                    return null;
                }

                foreach (var occupant in _occupants)
                {
                    if (occupant.Role == role)
                    {
                        writer.Write("<item"u8);
                        EscapingWriter.WriteEscapedAttribute(writer, "role"u8, rawRole);
                        EscapingWriter.WriteEscapedAttribute(writer, "affiliation"u8, MucNames.AffiliationName(occupant.Affiliation));
                        EscapingWriter.WriteEscapedAttribute(writer, "nick"u8, occupant.Nick);
                        EscapingWriter.WriteEscapedAttribute(writer, "jid"u8, occupant.RealJid);
                        writer.Write("/>"u8);
                    }
                }
            }
            else
            {
                return null;
            }

            writer.Write("</query>"u8);
            return writer.ToArray();
        }
    }

    /// <summary>
    /// An admin set: every item is checked first, then all are applied (the iq succeeds or changes nothing).
    /// <paramref name="affiliationsChanged"/>: the caller stores the room before answering.
    /// </summary>
    public StanzaErrorCondition? AdminSet(XmppSession sender, XmlElementReader query, out bool affiliationsChanged)
    {
        affiliationsChanged = false;
        var changes = new List<AdminChange>();
        Span<byte> buffer = stackalloc byte[JidNormalizer.MaxJidBytes];
        foreach (var item in query.GetChildren())
        {
            if (!item.Is("item"u8, MucNames.AdminNs))
            {
                continue;
            }

            var reason = MucText.Child(item, "reason"u8, MucNames.AdminNs);
            if (item.TryGetAttribute("affiliation"u8, out var rawAffiliation))
            {
                if (!MucNames.TryParseAffiliation(rawAffiliation, out var affiliation) || !item.TryGetAttribute("jid"u8, out var rawJid))
                {
                    return StanzaErrorCondition.BadRequest;
                }

                if (!JidText.TryNormalize(rawJid, buffer, out var length, out var parts))
                {
                    return StanzaErrorCondition.JidMalformed;
                }

                changes.Add(new AdminChange(null, Encoding.UTF8.GetString(buffer[..parts.BareLength]), null, affiliation, reason));
            }
            else if (item.TryGetAttribute("role"u8, out var rawRole))
            {
                if (!MucNames.TryParseRole(rawRole, out var role) || !item.TryGetAttribute("nick"u8, out var rawNick))
                {
                    return StanzaErrorCondition.BadRequest;
                }

                changes.Add(new AdminChange(NormalizeNick(rawNick), null, role, null, reason));
            }
            else
            {
                return StanzaErrorCondition.BadRequest;
            }
        }

        if (changes.Count == 0)
        {
            return StanzaErrorCondition.BadRequest;
        }

        lock (Gate)
        {
            if (Destroyed)
            {
                return StanzaErrorCondition.ItemNotFound;
            }

            _bySession.TryGetValue(sender, out var actor);
            var actorAffiliation = AffiliationOf(sender.BareJid);
            foreach (var change in changes)
            {
                var refusal = change.Role is { } role
                    ? CheckRoleChange(actor, actorAffiliation, change.Nick, role)
                    : CheckAffiliationChange(actorAffiliation, change.BareJid!, change.Affiliation!.Value);
                if (refusal is not null)
                {
                    return refusal;
                }
            }

            var actorNick = actor?.Nick ?? [];
            foreach (var change in changes)
            {
                if (change.Role is { } role)
                {
                    ApplyRole(FindByNick(change.Nick)!, role, actorNick, change.Reason);
                }
                else
                {
                    ApplyAffiliation(change.BareJid!, change.Affiliation!.Value, actorNick, change.Reason);
                    affiliationsChanged = true;
                }
            }

            return null;
        }
    }

    private StanzaErrorCondition? CheckRoleChange(Occupant? actor, MucAffiliation actorAffiliation, byte[]? nick, MucRole role)
    {
        if (actor is null || actor.Role != MucRole.Moderator)
        {
            return StanzaErrorCondition.Forbidden; // §8: moderators only
        }

        if (nick is null)
        {
            return StanzaErrorCondition.JidMalformed;
        }

        var target = FindByNick(nick);
        if (target is null)
        {
            return StanzaErrorCondition.ItemNotFound;
        }

        if (role == MucRole.Moderator || target.Role == MucRole.Moderator)
        {
            // §9.6/§9.7: granting or revoking moderator status is for admins and owners, never against a higher affiliation.
            if (actorAffiliation < MucAffiliation.Admin)
            {
                return StanzaErrorCondition.NotAllowed;
            }
        }

        if (role != target.Role && target.Affiliation >= MucAffiliation.Admin && (role != MucRole.Moderator))
        {
            return StanzaErrorCondition.NotAllowed; // §8.2/§8.4: no kicking or muting an admin or owner
        }

        if (role == MucRole.None && target.Affiliation > actorAffiliation)
        {
            return StanzaErrorCondition.NotAllowed;
        }

        return null;
    }

    private StanzaErrorCondition? CheckAffiliationChange(MucAffiliation actorAffiliation, string bareJid, MucAffiliation affiliation)
    {
        if (actorAffiliation < MucAffiliation.Admin)
        {
            return StanzaErrorCondition.Forbidden; // §9: admins and owners only
        }

        var current = _affiliations.TryGetValue(bareJid, out var held) ? held : MucAffiliation.None;
        if ((affiliation >= MucAffiliation.Admin || current >= MucAffiliation.Admin) && actorAffiliation != MucAffiliation.Owner)
        {
            return StanzaErrorCondition.NotAllowed; // §10.3-§10.7: the admin and owner lists are the owners'
        }

        if (current == MucAffiliation.Owner && affiliation != MucAffiliation.Owner)
        {
            var owners = 0;
            foreach (var (_, other) in _affiliations)
            {
                owners += other == MucAffiliation.Owner ? 1 : 0;
            }

            if (owners <= 1)
            {
                return StanzaErrorCondition.Conflict; // §10.6: a room keeps at least one owner
            }
        }

        return null;
    }

    private void ApplyRole(Occupant target, MucRole role, byte[] actorNick, string? reason)
    {
        if (role == MucRole.None)
        {
            // §8.2: kicked: everyone (the kicked occupant too, with 110) hears 307, then it is gone.
            target.PresencePayload = [];
            Broadcast(new OccupantNotice { Subject = target, Unavailable = true, Status = MucStatus.Kicked, ActorNick = actorNick, Reason = reason });
            RemoveOccupant(target);
            return;
        }

        var wasModerator = target.Role == MucRole.Moderator;
        target.Role = role;
        Broadcast(new OccupantNotice { Subject = target, ActorNick = actorNick, Reason = reason });
        RevealJidsToNewModerator(target, wasModerator);
    }

    /// <summary>
    /// XEP-0045 §9.6: in a semi-anonymous room a new moderator may see real JIDs, so it gets every other occupant's
    /// presence again, now with the JID.
    /// </summary>
    private void RevealJidsToNewModerator(Occupant occupant, bool wasModerator)
    {
        if (wasModerator || occupant.Role != MucRole.Moderator || Config.NonAnonymous)
        {
            return;
        }

        foreach (var other in _occupants)
        {
            if (!ReferenceEquals(other, occupant))
            {
                MucPresence.Send(occupant.Session, new OccupantNotice { Subject = other }, showJid: true);
            }
        }
    }

    private void ApplyAffiliation(string bareJid, MucAffiliation affiliation, byte[] actorNick, string? reason)
    {
        if (affiliation == MucAffiliation.None)
        {
            _affiliations.Remove(bareJid);
        }
        else
        {
            _affiliations[bareJid] = affiliation;
        }

        var bare = Encoding.UTF8.GetBytes(bareJid);
        foreach (var occupant in _occupants.ToArray())
        {
            if (!occupant.RealBareJid.AsSpan().SequenceEqual(bare))
            {
                continue;
            }

            occupant.Affiliation = affiliation;
            if (affiliation == MucAffiliation.Outcast)
            {
                // §9.1: banned: removed with 301.
                occupant.PresencePayload = [];
                Broadcast(new OccupantNotice { Subject = occupant, Unavailable = true, Status = MucStatus.Banned, ActorNick = actorNick, Reason = reason });
                RemoveOccupant(occupant);
            }
            else if (affiliation == MucAffiliation.None && Config.MembersOnly)
            {
                // §9.4: no longer a member of a members-only room: removed with 321.
                occupant.PresencePayload = [];
                Broadcast(new OccupantNotice { Subject = occupant, Unavailable = true, Status = MucStatus.AffiliationChanged, ActorNick = actorNick, Reason = reason });
                RemoveOccupant(occupant);
            }
            else
            {
                var wasModerator = occupant.Role == MucRole.Moderator;
                occupant.Role = affiliation >= MucAffiliation.Admin ? MucRole.Moderator
                    : occupant.Role == MucRole.Moderator || (affiliation == MucAffiliation.Member && occupant.Role == MucRole.Visitor) ? DefaultRole(affiliation)
                    : occupant.Role;
                Broadcast(new OccupantNotice { Subject = occupant, Reason = reason });
                RevealJidsToNewModerator(occupant, wasModerator);
            }
        }
    }

    private static byte[]? NormalizeNick(ReadOnlySpan<byte> rawNick)
    {
        // A nickname is a resourcepart: normalize it as the resource of a throwaway JID.
        Span<byte> raw = stackalloc byte[rawNick.Length + 2];
        "a/"u8.CopyTo(raw);
        rawNick.CopyTo(raw[2..]);
        Span<byte> buffer = stackalloc byte[JidNormalizer.MaxJidBytes];
        if (rawNick.Length > JidNormalizer.MaxJidBytes - 2 || !JidText.TryNormalize(raw, buffer, out var length, out var parts) || !parts.HasResource)
        {
            return null;
        }

        return parts.Resource(buffer[..length]).ToArray();
    }

    private sealed record AdminChange(byte[]? Nick, string? BareJid, MucRole? Role, MucAffiliation? Affiliation, string? Reason);
}
