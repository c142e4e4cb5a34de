using System.Buffers;
using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Routing;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Modules.Roster;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Modules.Presence;

/// <summary>
/// Presence towards contacts on other servers (RFC 6121 §4 over s2s): broadcasts to remote subscribers, probes to
/// remote contacts at initial presence, current or unavailable presence when a subscription starts or ends.
/// Remote contacts are not tracked as online or offline: their server decides whom to deliver to, so every
/// broadcast goes once to each remote 'from'/'both' contact.
/// </summary>
internal sealed class RemoteContacts(ImContext im)
{
    private static ReadOnlySpan<byte> Unavailable => "<presence type='unavailable'/>"u8;

    private static ReadOnlySpan<byte> Probe => "<presence type='probe'/>"u8;

    private const int PresenceNameEnd = 9;

    /// <summary>True when federation is on and <paramref name="jid"/> is at a domain neither served nor hosted here.</summary>
    public bool IsRemote(ReadOnlySpan<byte> jid)
    {
        var federation = im.Server.Federation;
        return federation is not null && !federation.IsServedDomain(JidParts.OfNormalized(jid).Domain(jid));
    }

    /// <summary>A broadcast (available update or unavailable) of <paramref name="sender"/> to the user's remote subscribers.</summary>
    public void Broadcast(XmppSession sender, in XmlElement presence)
        => SendToContacts(sender.User!, StanzaSlices.Of(presence, cutTo: true), sender.FromAttribute, RosterItems.HasFrom);

    /// <summary>The unavailable presence owed to remote subscribers when a session ends without one.</summary>
    public void BroadcastUnavailable(XmppSession sender)
        => SendToContacts(sender.User!, StanzaSlices.OfClean(Unavailable, PresenceNameEnd), sender.FromAttribute, RosterItems.HasFrom);

    /// <summary>RFC 6121 §4.3.1: probes from the user's bare JID to each remote contact it is subscribed to.</summary>
    public void SendProbes(XmppSession session)
    {
        Span<byte> from = stackalloc byte[session.BareJid.Length + 9];
        var length = WriteAttribute(" from='"u8, session.BareJid, from);
        SendToContacts(session.User!, StanzaSlices.OfClean(Probe, PresenceNameEnd), from[..length], RosterItems.HasTo);
    }

    /// <summary>The current presence of each available resource of <paramref name="owner"/> to a remote contact
    /// that just became a subscriber (RFC 6121 §3.1.5).</summary>
    public void SendCurrentPresence(LocalUser owner, ReadOnlySpan<byte> contact)
    {
        var federation = im.Server.Federation!;
        foreach (var source in owner.Sessions)
        {
            if (source.IsAvailable)
            {
                SessionPresence.Of(source).SendLast(federation.RemoteEntity(DomainOf(owner.BareJid), contact, JidParts.OfNormalized(contact)), source.FromAttribute);
            }
        }
    }

    /// <summary>Unavailable from each available resource of <paramref name="owner"/> to a remote contact that is no longer a subscriber.</summary>
    public void SendUnavailable(LocalUser owner, ReadOnlySpan<byte> contact)
    {
        Span<byte> to = stackalloc byte[contact.Length + 7];
        var toLength = WriteAttribute(" to='"u8, contact, to);
        var stanza = StanzaSlices.OfClean(Unavailable, PresenceNameEnd);
        foreach (var source in owner.Sessions)
        {
            if (source.IsAvailable)
            {
                Send(DomainOf(owner.BareJid), contact, stanza.With(source.FromAttribute, to[..toLength]));
            }
        }
    }

    /// <summary>Sends bytes our server composed (a subscription stanza with its from/to) to a remote contact.</summary>
    public void SendStanza(ReadOnlySpan<byte> fromJid, ReadOnlySpan<byte> contact, ReadOnlySpan<byte> stanza)
        => Send(DomainOf(fromJid), contact, new OutboundParts(stanza));

    /// <summary>Directed presence from a session to a remote JID: one copy with the session's 'from'.</summary>
    public void SendDirected(XmppSession sender, in XmlElement element, ReadOnlySpan<byte> to, in JidParts parts)
        => im.Server.Federation!.SendFromLocal(sender, element, to, parts);

    /// <summary>An unavailable presence from <paramref name="sender"/> to a remote JID it sent directed presence to.</summary>
    public void SendUnavailableTo(XmppSession sender, ReadOnlySpan<byte> jid)
    {
        // A full JID's resource may hold quotes: escaped (a logout's work, not a per-message one).
        using var to = new PooledBufferWriter(jid.Length + 16);
        EscapingWriter.WriteEscapedAttribute(to, "to"u8, jid);
        Send(DomainOf(sender.BareJid), jid, StanzaSlices.OfClean(Unavailable, PresenceNameEnd).With(sender.FromAttribute, to.WrittenSpan));
    }

    private void SendToContacts(LocalUser user, in StanzaSlices stanza, ReadOnlySpan<byte> fromAttribute, Func<Storage.Abstractions.RosterItemRecord, bool> filter)
    {
        if (im.Server.Federation is null)
        {
            return;
        }

        var contacts = RemoteJids(user, filter, out var count);
        try
        {
            var local = DomainOf(user.BareJid);
            Span<byte> to = stackalloc byte[JidNormalizer.MaxJidBytes + 8];
            for (var i = 0; i < count; i++)
            {
                var contact = contacts[i];
                var toLength = WriteAttribute(" to='"u8, contact, to);
                Send(local, contact, stanza.With(fromAttribute, to[..toLength]));
            }
        }
        finally
        {
            ArrayPool<byte[]>.Shared.Return(contacts, clearArray: true);
        }
    }

    /// <summary>The user's remote contacts matching <paramref name="filter"/>, copied out under the gate (pooled array).</summary>
    private byte[][] RemoteJids(LocalUser user, Func<Storage.Abstractions.RosterItemRecord, bool> filter, out int count)
    {
        var roster = im.RosterOf(user);
        lock (user.Gate)
        {
            var result = ArrayPool<byte[]>.Shared.Rent(Math.Max(1, roster.Items.Count));
            count = 0;
            foreach (var item in roster.Items)
            {
                if (filter(item) && IsRemote(item.Jid))
                {
                    result[count++] = item.Jid;
                }
            }

            return result;
        }
    }

    private void Send(ReadOnlySpan<byte> localDomain, ReadOnlySpan<byte> contact, scoped in OutboundParts parts)
        => im.Server.Federation?.Send(localDomain, JidParts.OfNormalized(contact).Domain(contact), parts);

    private static ReadOnlySpan<byte> DomainOf(ReadOnlySpan<byte> jid) => JidParts.OfNormalized(jid).Domain(jid);

    /// <summary>Writes <c>{prefix}{jid}'</c>; a normalized JID holds no quote or ampersand (RFC 7622 forbids them).</summary>
    private static int WriteAttribute(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> jid, Span<byte> destination)
    {
        prefix.CopyTo(destination);
        jid.CopyTo(destination[prefix.Length..]);
        destination[prefix.Length + jid.Length] = (byte)'\'';
        return prefix.Length + jid.Length + 1;
    }
}
