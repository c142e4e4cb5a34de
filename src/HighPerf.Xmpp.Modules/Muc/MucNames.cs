namespace HighPerf.Xmpp.Modules.Muc;

/// <summary>XEP-0045 namespaces and the wire names of roles and affiliations.</summary>
internal static class MucNames
{
    public const string Muc = "http://jabber.org/protocol/muc";
    public const string User = "http://jabber.org/protocol/muc#user";
    public const string Admin = "http://jabber.org/protocol/muc#admin";
    public const string Owner = "http://jabber.org/protocol/muc#owner";
    public const string RoomConfigForm = "http://jabber.org/protocol/muc#roomconfig";
    public const string RoomInfoForm = "http://jabber.org/protocol/muc#roominfo";

    public static ReadOnlySpan<byte> MucNs => "http://jabber.org/protocol/muc"u8;
    public static ReadOnlySpan<byte> UserNs => "http://jabber.org/protocol/muc#user"u8;
    public static ReadOnlySpan<byte> AdminNs => "http://jabber.org/protocol/muc#admin"u8;
    public static ReadOnlySpan<byte> OwnerNs => "http://jabber.org/protocol/muc#owner"u8;
    public static ReadOnlySpan<byte> DiscoInfoNs => "http://jabber.org/protocol/disco#info"u8;
    public static ReadOnlySpan<byte> DiscoItemsNs => "http://jabber.org/protocol/disco#items"u8;
    public static ReadOnlySpan<byte> PingNs => "urn:xmpp:ping"u8;
    public static ReadOnlySpan<byte> Client => "jabber:client"u8;

    public static ReadOnlySpan<byte> RoleName(MucRole role) => role switch
    {
        MucRole.Moderator => "moderator"u8,
        MucRole.Participant => "participant"u8,
        MucRole.Visitor => "visitor"u8,
        _ => "none"u8,
    };

    public static ReadOnlySpan<byte> AffiliationName(MucAffiliation affiliation) => affiliation switch
    {
        MucAffiliation.Owner => "owner"u8,
        MucAffiliation.Admin => "admin"u8,
        MucAffiliation.Member => "member"u8,
        MucAffiliation.Outcast => "outcast"u8,
        _ => "none"u8,
    };

    public static bool TryParseRole(ReadOnlySpan<byte> value, out MucRole role)
    {
        role = value switch
        {
            _ when value.SequenceEqual("moderator"u8) => MucRole.Moderator,
            _ when value.SequenceEqual("participant"u8) => MucRole.Participant,
            _ when value.SequenceEqual("visitor"u8) => MucRole.Visitor,
            _ when value.SequenceEqual("none"u8) => MucRole.None,
            _ => (MucRole)255,
        };
        return role != (MucRole)255;
    }

    public static bool TryParseAffiliation(ReadOnlySpan<byte> value, out MucAffiliation affiliation)
    {
        affiliation = value switch
        {
            _ when value.SequenceEqual("owner"u8) => MucAffiliation.Owner,
            _ when value.SequenceEqual("admin"u8) => MucAffiliation.Admin,
            _ when value.SequenceEqual("member"u8) => MucAffiliation.Member,
            _ when value.SequenceEqual("outcast"u8) => MucAffiliation.Outcast,
            _ when value.SequenceEqual("none"u8) => MucAffiliation.None,
            _ => (MucAffiliation)255,
        };
        return affiliation != (MucAffiliation)255;
    }
}

/// <summary>XEP-0045 §5.1 roles, ordered by privilege.</summary>
internal enum MucRole : byte
{
    None,
    Visitor,
    Participant,
    Moderator,
}

/// <summary>XEP-0045 §5.2 affiliations, ordered by privilege (outcast lowest).</summary>
internal enum MucAffiliation : byte
{
    Outcast,
    None,
    Member,
    Admin,
    Owner,
}
