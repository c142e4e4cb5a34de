using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;

namespace HighPerf.Xmpp.Modules.Muc;

/// <summary>XEP-0045 status codes (§15.6) a presence or message may carry.</summary>
[Flags]
internal enum MucStatus : ushort
{
    None = 0,
    NonAnonymous = 1 << 0,     // 100
    Self = 1 << 1,             // 110
    ConfigChanged = 1 << 2,    // 104
    Created = 1 << 3,          // 201
    NickModified = 1 << 4,     // 210
    Banned = 1 << 5,           // 301
    NickChanged = 1 << 6,      // 303
    Kicked = 1 << 7,           // 307
    AffiliationChanged = 1 << 8, // 321
    MembersOnly = 1 << 9,      // 322
    Shutdown = 1 << 10,        // 332
}

/// <summary>What an occupant presence tells (who, how, why): one per broadcast, written per recipient.</summary>
internal readonly ref struct OccupantNotice
{
    public Occupant Subject { get; init; }
    public bool Unavailable { get; init; }
    public MucStatus Status { get; init; }
    public ReadOnlySpan<byte> NewNick { get; init; }
    public ReadOnlySpan<byte> ActorNick { get; init; }
    public string? Reason { get; init; }

    /// <summary>Room destruction: the alternate venue (may be empty) and the reason.</summary>
    public bool Destroyed { get; init; }
    public string? AlternateVenue { get; init; }
}

/// <summary>Writes occupant presences (XEP-0045 §7.2.3…§7.2.6) and sends them.</summary>
internal static class MucPresence
{
    private static readonly (MucStatus Flag, int Code)[] Codes =
    [
        (MucStatus.NonAnonymous, 100), (MucStatus.ConfigChanged, 104), (MucStatus.Self, 110), (MucStatus.Created, 201),
        (MucStatus.NickModified, 210), (MucStatus.Banned, 301), (MucStatus.NickChanged, 303), (MucStatus.Kicked, 307),
        (MucStatus.AffiliationChanged, 321), (MucStatus.MembersOnly, 322), (MucStatus.Shutdown, 332),
    ];

    /// <summary>Sends <paramref name="notice"/> to <paramref name="recipient"/>; <paramref name="showJid"/>: include the real JID.</summary>
    public static void Send(XmppSession recipient, in OccupantNotice notice, bool showJid, MucStatus extra = MucStatus.None)
    {
        var writer = ScratchWriter.Rent();
        Write(writer, notice, recipient.ToAttribute, showJid, notice.Status | extra);
        recipient.Send(writer.WrittenSpan);
    }

    public static void Write(PooledBufferWriter writer, in OccupantNotice notice, ReadOnlySpan<byte> toAttribute, bool showJid, MucStatus status)
    {
        var subject = notice.Subject;
        writer.Write("<presence"u8);
        writer.Write(subject.FromAttribute);
        writer.Write(toAttribute);
        if (notice.Unavailable)
        {
            writer.Write(" type='unavailable'"u8);
        }

        writer.Write(">"u8);
        writer.Write(subject.PresencePayload);

        writer.Write("<x xmlns='http://jabber.org/protocol/muc#user'><item"u8);
        writer.Write(" affiliation='"u8);
        writer.Write(MucNames.AffiliationName(subject.Affiliation));
        writer.Write("' role='"u8);
        writer.Write(MucNames.RoleName(notice.Unavailable && (status & MucStatus.NickChanged) == 0 ? MucRole.None : subject.Role));
        writer.Write("'"u8);
        if (showJid)
        {
            EscapingWriter.WriteEscapedAttribute(writer, "jid"u8, subject.RealJid);
        }

        if (!notice.NewNick.IsEmpty)
        {
            EscapingWriter.WriteEscapedAttribute(writer, "nick"u8, notice.NewNick);
        }

        if (notice.ActorNick.IsEmpty && notice.Reason is null)
        {
            writer.Write("/>"u8);
        }
        else
        {
            writer.Write(">"u8);
            if (!notice.ActorNick.IsEmpty)
            {
                writer.Write("<actor"u8);
                EscapingWriter.WriteEscapedAttribute(writer, "nick"u8, notice.ActorNick);
                writer.Write("/>"u8);
            }

            if (notice.Reason is not null && !notice.Destroyed)
            {
                WriteText(writer, "reason"u8, notice.Reason);
            }

            writer.Write("</item>"u8);
        }

        if (notice.Destroyed)
        {
            writer.Write("<destroy"u8);
            if (!string.IsNullOrEmpty(notice.AlternateVenue))
            {
                EscapingWriter.WriteEscapedAttribute(writer, "jid"u8, System.Text.Encoding.UTF8.GetBytes(notice.AlternateVenue));
            }

            writer.Write(">"u8);
            if (notice.Reason is not null)
            {
                WriteText(writer, "reason"u8, notice.Reason);
            }

            writer.Write("</destroy>"u8);
        }

        WriteStatus(writer, status);
        writer.Write("</x></presence>"u8);
    }

    public static void WriteStatus(PooledBufferWriter writer, MucStatus status)
    {
        Span<byte> digits = stackalloc byte[3];
        foreach (var (flag, code) in Codes)
        {
            if ((status & flag) != 0)
            {
                writer.Write("<status code='"u8);
                digits[0] = (byte)('0' + (code / 100));
                digits[1] = (byte)('0' + (code / 10 % 10));
                digits[2] = (byte)('0' + (code % 10));
                writer.Write(digits);
                writer.Write("'/>"u8);
            }
        }
    }

    public static void WriteText(PooledBufferWriter writer, ReadOnlySpan<byte> name, string text)
    {
        writer.Write("<"u8);
        writer.Write(name);
        writer.Write(">"u8);
        EscapingWriter.WriteEscaped(writer, System.Text.Encoding.UTF8.GetBytes(text));
        writer.Write("</"u8);
        writer.Write(name);
        writer.Write(">"u8);
    }
}
