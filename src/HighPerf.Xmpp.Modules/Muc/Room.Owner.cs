using System.Globalization;
using System.Text;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Modules.DataForms;
using HighPerf.Xmpp.Xml.Reader;

namespace HighPerf.Xmpp.Modules.Muc;

/// <summary>The muc#owner iqs (XEP-0045 §10): the configuration form, instant rooms, and destroying the room.</summary>
internal sealed partial class Room
{
    /// <summary>What an owner set did, for the caller to answer (and store) accordingly.</summary>
    public enum OwnerOutcome : byte
    {
        Refused,
        Configured,
        Destroyed,
        Nothing,
    }

    public byte[]? OwnerGet(XmppSession sender, MucOptions options, out StanzaErrorCondition error)
    {
        lock (Gate)
        {
            if (AffiliationOf(sender.BareJid) != MucAffiliation.Owner)
            {
                error = StanzaErrorCondition.Forbidden;
                return null;
            }

            error = default;
            return WriteConfigForm(Config, options);
        }
    }

    /// <summary>An owner set: a submitted form (or the empty one of an instant room), a cancel, or &lt;destroy/&gt;.</summary>
    public OwnerOutcome OwnerSet(XmppSession sender, XmlElementReader query, MucOptions options, out StanzaErrorCondition error, out bool wasPersistent)
    {
        error = StanzaErrorCondition.BadRequest;
        wasPersistent = false;
        lock (Gate)
        {
            if (Destroyed)
            {
                error = StanzaErrorCondition.ItemNotFound;
                return OwnerOutcome.Refused;
            }

            if (AffiliationOf(sender.BareJid) != MucAffiliation.Owner)
            {
                error = StanzaErrorCondition.Forbidden;
                return OwnerOutcome.Refused;
            }

            wasPersistent = Config.Persistent;
            if (query.TryGetChild("destroy"u8, MucNames.OwnerNs, out var destroy))
            {
                var venue = destroy.TryGetAttribute("jid"u8, out var rawVenue) ? Encoding.UTF8.GetString(rawVenue) : null;
                Destroy(venue, MucText.Child(destroy, "reason"u8, MucNames.OwnerNs));
                return OwnerOutcome.Destroyed;
            }

            if (!DataForm.TryFind(query, out var form))
            {
                return OwnerOutcome.Refused;
            }

            if (form.Type.SequenceEqual("cancel"u8))
            {
                if (Locked)
                {
                    Destroy(null, null); // §10.1.3: cancelling the initial configuration removes the new room
                    return OwnerOutcome.Destroyed;
                }

                return OwnerOutcome.Nothing;
            }

            if (!form.Type.SequenceEqual("submit"u8))
            {
                return OwnerOutcome.Refused;
            }

            var next = ReadConfig(form, Config, options, out var invalid);
            if (invalid)
            {
                error = StanzaErrorCondition.NotAcceptable;
                return OwnerOutcome.Refused;
            }

            var previous = Config;
            var wasLocked = Locked;
            Config = next;
            Locked = false;
            _history.Resize(next.HistoryLength);
            if (!wasLocked)
            {
                AnnounceConfigurationChange(previous, next);
            }

            return OwnerOutcome.Configured;
        }
    }

    /// <summary>§10.2.1: occupants learn of a change (104, and 172/173 when anonymity changes are implied by the codes).</summary>
    private void AnnounceConfigurationChange(RoomConfig previous, RoomConfig next)
    {
        foreach (var occupant in _occupants)
        {
            var writer = ScratchWriter.Rent();
            writer.Write("<message type='groupchat'"u8);
            EscapingWriter.WriteEscapedAttribute(writer, "from"u8, Jid);
            writer.Write(occupant.Session.ToAttribute);
            writer.Write("><x xmlns='http://jabber.org/protocol/muc#user'>"u8);
            MucPresence.WriteStatus(writer, MucStatus.ConfigChanged);
            if (previous.NonAnonymous != next.NonAnonymous)
            {
                writer.Write(next.NonAnonymous ? "<status code='172'/>"u8 : "<status code='173'/>"u8);
            }

            writer.Write("</x></message>"u8);
            occupant.Session.Send(writer.WrittenSpan);
        }

        if (next.MembersOnly && !previous.MembersOnly)
        {
            // §9.? : a room that becomes members-only removes the occupants who are not members, with 322.
            foreach (var occupant in _occupants.ToArray())
            {
                if (occupant.Affiliation < MucAffiliation.Member)
                {
                    occupant.PresencePayload = [];
                    Broadcast(new OccupantNotice { Subject = occupant, Unavailable = true, Status = MucStatus.MembersOnly });
                    RemoveOccupant(occupant);
                }
            }
        }
    }

    /// <summary>§10.9: every occupant is told (with the alternate venue and reason), then the room is gone.</summary>
    private void Destroy(string? alternateVenue, string? reason)
    {
        foreach (var occupant in _occupants.ToArray())
        {
            occupant.PresencePayload = [];
            var notice = new OccupantNotice { Subject = occupant, Unavailable = true, Destroyed = true, AlternateVenue = alternateVenue, Reason = reason };
            MucPresence.Send(occupant.Session, notice, true, MucStatus.Self);
            _service.Sessions.Remove(occupant.Session, this);
        }

        _occupants.Clear();
        _bySession.Clear();
        _byNick.Clear();
        MarkDestroyed();
    }

    private static RoomConfig ReadConfig(DataForm form, RoomConfig current, MucOptions options, out bool invalid)
    {
        invalid = false;
        var next = current;
        if (Text(form, "muc#roomconfig_roomname") is { } name)
        {
            next = next with { Name = name };
        }

        if (Text(form, "muc#roomconfig_roomdesc") is { } description)
        {
            next = next with { Description = description };
        }

        next = next with
        {
            Persistent = Bool(form, "muc#roomconfig_persistentroom", next.Persistent),
            Public = Bool(form, "muc#roomconfig_publicroom", next.Public),
            MembersOnly = Bool(form, "muc#roomconfig_membersonly", next.MembersOnly),
            Moderated = Bool(form, "muc#roomconfig_moderatedroom", next.Moderated),
            ChangeSubject = Bool(form, "muc#roomconfig_changesubject", next.ChangeSubject),
            AllowInvites = Bool(form, "muc#roomconfig_allowinvites", next.AllowInvites),
        };

        var passwordProtected = Bool(form, "muc#roomconfig_passwordprotectedroom", next.PasswordProtected);
        var secret = Text(form, "muc#roomconfig_roomsecret");
        if (!passwordProtected)
        {
            next = next with { Password = "" };
        }
        else if (secret is not null)
        {
            next = next with { Password = secret };
        }

        if (passwordProtected && next.Password.Length == 0)
        {
            invalid = true; // a protected room needs a password
        }

        if (Text(form, "muc#roomconfig_maxusers") is { } maxUsers)
        {
            if (maxUsers is "none" or "")
            {
                next = next with { MaxUsers = options.MaxUsersLimit };
            }
            else if (int.TryParse(maxUsers, NumberStyles.None, CultureInfo.InvariantCulture, out var max) && max > 0)
            {
                next = next with { MaxUsers = options.MaxUsersLimit > 0 ? Math.Min(max, options.MaxUsersLimit) : max };
            }
            else
            {
                invalid = true;
            }
        }

        if (Text(form, "muc#roomconfig_whois") is { } whois)
        {
            if (whois is "anyone" or "moderators")
            {
                next = next with { NonAnonymous = whois == "anyone" };
            }
            else
            {
                invalid = true;
            }
        }

        if (Text(form, "muc#maxhistoryfetch") is { } history)
        {
            if (int.TryParse(history, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            {
                next = next with { HistoryLength = Math.Min(length, options.MaxHistoryLength) };
            }
            else
            {
                invalid = true;
            }
        }

        if (Text(form, "muc#roomconfig_allowpm") is { } allowPm)
        {
            PrivateMessagePolicy? policy = allowPm switch
            {
                "anyone" => PrivateMessagePolicy.Anyone,
                "participants" => PrivateMessagePolicy.Participants,
                "moderators" => PrivateMessagePolicy.Moderators,
                "none" => PrivateMessagePolicy.None,
                _ => null,
            };
            if (policy is null)
            {
                invalid = true;
            }
            else
            {
                next = next with { AllowPrivateMessages = policy.Value };
            }
        }

        return next;
    }

    private static string? Text(DataForm form, string name)
    {
        var key = Encoding.UTF8.GetBytes(name);
        if (!form.TryGetField(key, out var field))
        {
            return null;
        }

        return field.TryGetChild("value"u8, DataForm.Namespace, out var value) ? MucText.Read(value) : "";
    }

    private static bool Bool(DataForm form, string name, bool current) => Text(form, name) switch
    {
        "1" or "true" => true,
        "0" or "false" => false,
        _ => current,
    };

    private static byte[] WriteConfigForm(RoomConfig config, MucOptions options)
    {
        using var form = new MucFormWriter(1024);
        form.Raw("<query xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' type='form'><title>Room configuration</title>");
        form.Field("FORM_TYPE", FieldTypes.Hidden, null, MucNames.RoomConfigForm);
        form.Field("muc#roomconfig_roomname", FieldTypes.TextSingle, "Name", config.Name);
        form.Field("muc#roomconfig_roomdesc", FieldTypes.TextSingle, "Description", config.Description);
        form.Field("muc#roomconfig_persistentroom", FieldTypes.Boolean, "Persistent (kept when empty)", config.Persistent);
        form.Field("muc#roomconfig_publicroom", FieldTypes.Boolean, "Listed in the directory", config.Public);
        form.Field("muc#roomconfig_membersonly", FieldTypes.Boolean, "Members only", config.MembersOnly);
        form.Field("muc#roomconfig_moderatedroom", FieldTypes.Boolean, "Moderated (only participants speak)", config.Moderated);
        form.Field("muc#roomconfig_passwordprotectedroom", FieldTypes.Boolean, "Password protected", config.PasswordProtected);
        form.Field("muc#roomconfig_roomsecret", FieldTypes.TextPrivate, "Password", config.Password);
        var maxUsers = config.MaxUsers.ToString(CultureInfo.InvariantCulture);
        form.ListSingle("muc#roomconfig_maxusers", "Maximum occupants", maxUsers, ["10", "20", "30", "50", "100", "200", "500", "1000", maxUsers]);
        form.ListSingle("muc#roomconfig_whois", "Who may see real JIDs", config.NonAnonymous ? "anyone" : "moderators", ["moderators", "anyone"]);
        form.Field("muc#maxhistoryfetch", FieldTypes.TextSingle, $"Messages of history (at most {options.MaxHistoryLength})", config.HistoryLength.ToString(CultureInfo.InvariantCulture));
        form.Field("muc#roomconfig_changesubject", FieldTypes.Boolean, "Occupants may change the subject", config.ChangeSubject);
        form.Field("muc#roomconfig_allowinvites", FieldTypes.Boolean, "Occupants may invite", config.AllowInvites);
        var pm = config.AllowPrivateMessages switch
        {
            PrivateMessagePolicy.Participants => "participants",
            PrivateMessagePolicy.Moderators => "moderators",
            PrivateMessagePolicy.None => "none",
            _ => "anyone",
        };
        form.ListSingle("muc#roomconfig_allowpm", "Who may send private messages", pm, ["anyone", "participants", "moderators", "none"]);
        form.Raw("</x></query>");
        return form.ToArray();
    }
}
