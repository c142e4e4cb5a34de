using System.Text;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;

namespace HighPerf.Xmpp.Modules.Muc;

/// <summary>
/// One session in a room under a nickname. Built at join (allocates then), and holds what fan-out needs
/// pre-encoded: <see cref="FromAttribute"/> (` from='room@service/nick'`), so that a groupchat message costs
/// one copy per occupant and nothing else. Mutated only under the room's lock.
/// </summary>
internal sealed class Occupant
{
    public Occupant(XmppSession session, byte[] roomJid, byte[] nick, MucRole role, MucAffiliation affiliation)
    {
        Session = session;
        RealJid = session.FullJid.ToArray();
        RealBareJid = session.BareJid.ToArray();
        Role = role;
        Affiliation = affiliation;
        SetNick(roomJid, nick);
    }

    public XmppSession Session { get; }

    /// <summary>The occupant's full JID (normalized).</summary>
    public byte[] RealJid { get; }

    public byte[] RealBareJid { get; }

    /// <summary>Normalized nickname (a JID resourcepart).</summary>
    public byte[] Nick { get; private set; } = [];

    /// <summary>room@service/nick.</summary>
    public byte[] OccupantJid { get; private set; } = [];

    /// <summary>` from='room@service/nick'`, escaped.</summary>
    public byte[] FromAttribute { get; private set; } = [];

    public MucRole Role { get; set; }

    public MucAffiliation Affiliation { get; set; }

    /// <summary>The children of the occupant's last available presence (show, status, caps…), without the MUC join element.</summary>
    public byte[] PresencePayload { get; set; } = [];

    public string NickString => Encoding.UTF8.GetString(Nick);

    public void SetNick(byte[] roomJid, byte[] nick)
    {
        Nick = nick;
        var jid = new byte[roomJid.Length + 1 + nick.Length];
        roomJid.CopyTo(jid, 0);
        jid[roomJid.Length] = (byte)'/';
        nick.CopyTo(jid, roomJid.Length + 1);
        OccupantJid = jid;
        using var writer = new PooledBufferWriter(jid.Length + 16);
        EscapingWriter.WriteEscapedAttribute(writer, "from"u8, jid);
        FromAttribute = writer.ToArray();
    }
}
