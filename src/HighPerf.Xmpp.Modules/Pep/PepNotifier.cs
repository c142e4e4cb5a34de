using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Modules.Pep;

/// <summary>
/// Sends a node's events (XEP-0060 §7.1.2 items, §7.2.2 retractions, §8.4.2 deletion) as headline messages from
/// the owner's bare JID to every available session that wants them: the owner's own sessions and those of the
/// whitelist members of a whitelist node, or of the contacts the owner shares presence with (subscription from or
/// both) for other nodes, in each case only
/// where the session's caps include node+notify (XEP-0163 §4.4). Also sends the last items to a session that
/// became available (§4.3.2).
/// </summary>
internal sealed class PepNotifier(XmppServer server, CapsCache caps)
{
    private long _nextId;

    /// <summary>
    /// Sends <paramref name="eventPayload"/> (the inside of &lt;event/&gt;) to everyone interested in the node, as
    /// its stored <paramref name="configuration"/> says: a whitelist node's members, any other node's contacts.
    /// </summary>
    public void Broadcast(ReadOnlySpan<byte> owner, string node, ReadOnlySpan<byte> configuration, ReadOnlySpan<byte> eventPayload)
    {
        var notify = node + "+notify";
        using var writer = new PooledBufferWriter(256 + eventPayload.Length);
        SendToUser(owner, owner, notify, eventPayload, writer);
        if (PepNodeConfig.Decode(configuration).Access == PepAccess.Whitelist)
        {
            foreach (var member in PepWhitelist.Read(configuration))
            {
                SendToUser(owner, member, notify, eventPayload, writer);
            }

            return;
        }

        foreach (var item in server.Store.Rosters.GetAll(owner))
        {
            if (item.Subscription is SubscriptionState.From or SubscriptionState.Both)
            {
                SendToUser(owner, item.Jid, notify, eventPayload, writer);
            }
        }
    }

    /// <summary>XEP-0163 §4.3.2: the newest item of every node the session wants (and did not have in this
    /// availability already) whose pubsub#send_last_published_item is on_sub_and_presence, from its own account and
    /// from the contacts whose presence it receives.</summary>
    public void SendLastItems(XmppSession session, LastItemsDue due)
    {
        var self = session.BareJid.ToArray();
        SendLastItemsOf(session, self, self, due);
        foreach (var item in server.Store.Rosters.GetAll(self))
        {
            if (item.Subscription is SubscriptionState.To or SubscriptionState.Both
                && server.Store.Rosters.Get(item.Jid, self) is { Subscription: SubscriptionState.From or SubscriptionState.Both })
            {
                SendLastItemsOf(session, item.Jid, self, due);
            }
        }
    }

    /// <summary>Writes &lt;items node&gt;&lt;item id&gt;payload&lt;/item&gt;&lt;/items&gt; (node and id decoded, escaped here).</summary>
    public static void WriteItem(PooledBufferWriter writer, ReadOnlySpan<byte> node, ReadOnlySpan<byte> id, ReadOnlySpan<byte> payload)
    {
        writer.Write("<items"u8);
        EscapingWriter.WriteEscapedAttribute(writer, "node"u8, node);
        writer.Write("><item"u8);
        EscapingWriter.WriteEscapedAttribute(writer, "id"u8, id);
        writer.Write(">"u8);
        writer.Write(payload);
        writer.Write("</item></items>"u8);
    }

    private void SendLastItemsOf(XmppSession session, byte[] owner, byte[] self, LastItemsDue due)
    {
        var pep = server.Store.Pep;
        foreach (var node in pep.GetNodes(owner))
        {
            var notify = System.Text.Encoding.UTF8.GetString(node) + "+notify";
            if (!due.Features.Contains(notify) || due.AlreadySent?.Contains(notify) == true
                || pep.GetNode(owner, node) is not { ItemIds.Count: > 0 } record)
            {
                continue;
            }

            var config = PepNodeConfig.Decode(record.Configuration);
            if (!config.SendLastOnPresence || (config.Access == PepAccess.Whitelist && !owner.AsSpan().SequenceEqual(self)
                                                && !PepWhitelist.Contains(PepWhitelist.Read(record.Configuration), self)))
            {
                continue;
            }

            var id = record.ItemIds[^1];
            if (pep.GetItem(owner, node, id) is not { } payload)
            {
                continue;
            }

            using var body = new PooledBufferWriter(128 + payload.Length);
            WriteItem(body, node, id, payload);
            using var writer = new PooledBufferWriter(256 + body.WrittenCount);
            Send(session, owner, body.WrittenSpan, writer);
        }
    }

    private void SendToUser(ReadOnlySpan<byte> owner, ReadOnlySpan<byte> recipient, string notify, ReadOnlySpan<byte> eventPayload, PooledBufferWriter writer)
    {
        if (!server.Routes.TryGetUser(recipient, out var user))
        {
            return;
        }

        foreach (var session in user.Sessions)
        {
            if (session.IsAvailable && caps.FeaturesOf(session) is { } features && features.Contains(notify))
            {
                writer.Reset();
                Send(session, owner, eventPayload, writer);
            }
        }
    }

    private void Send(XmppSession session, ReadOnlySpan<byte> owner, ReadOnlySpan<byte> eventPayload, PooledBufferWriter writer)
    {
        writer.Write("<message type='headline'"u8);
        EscapingWriter.WriteEscapedAttribute(writer, "from"u8, owner);
        EscapingWriter.WriteEscapedAttribute(writer, "to"u8, session.FullJid);
        writer.Write(" id='pep-"u8);
        Span<byte> digits = stackalloc byte[20];
        System.Buffers.Text.Utf8Formatter.TryFormat(Interlocked.Increment(ref _nextId), digits, out var length);
        writer.Write(digits[..length]);
        writer.Write("'><event xmlns='http://jabber.org/protocol/pubsub#event'>"u8);
        writer.Write(eventPayload);
        writer.Write("</event></message>"u8);
        session.Send(writer.WrittenSpan);
    }
}
