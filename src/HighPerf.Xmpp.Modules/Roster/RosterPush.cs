using System.Globalization;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Routing;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Modules.Roster;

/// <summary>
/// Roster pushes (RFC 6121 §2.1.6): a roster set from the server to every interested resource of the user
/// (those that requested the roster), carrying the changed item and the new version.
/// </summary>
internal static class RosterPush
{
    private static long s_pushId;

    /// <summary>Pushes <paramref name="item"/> (or its removal when null) to the owner's interested resources.</summary>
    public static void Send(RoutingTable routes, ReadOnlySpan<byte> owner, ReadOnlySpan<byte> contact, RosterItemRecord? item, long version)
    {
        if (!routes.TryGetUser(owner, out var user))
        {
            return;
        }

        using var payload = new PooledBufferWriter(512);
        payload.Write("<query xmlns='jabber:iq:roster' ver='"u8);
        WriteVersion(payload, version);
        payload.Write("'>"u8);
        if (item is null)
        {
            RosterItemWriter.WriteRemoved(payload, contact);
        }
        else
        {
            RosterItemWriter.Write(payload, item);
        }

        payload.Write("</query></iq>"u8);

        using var stanza = new PooledBufferWriter(payload.WrittenCount + 128);
        foreach (var session in user.Sessions)
        {
            if (!session.IsInterestedResource)
            {
                continue;
            }

            stanza.Reset();
            stanza.Write("<iq type='set' id='push"u8);
            WriteVersion(stanza, Interlocked.Increment(ref s_pushId));
            stanza.Write("'"u8);
            EscapingWriter.WriteEscapedAttribute(stanza, "to"u8, session.FullJid);
            stanza.Write(">"u8);
            stanza.Write(payload.WrittenSpan);
            session.Send(stanza.WrittenSpan);
        }
    }

    public static void WriteVersion(PooledBufferWriter writer, long version)
    {
        var span = writer.GetSpan(20);
        version.TryFormat(span, out var written, default, CultureInfo.InvariantCulture);
        writer.Advance(written);
    }
}
