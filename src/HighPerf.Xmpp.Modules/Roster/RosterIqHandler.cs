using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Reader;

namespace HighPerf.Xmpp.Modules.Roster;

/// <summary>jabber:iq:roster get and set (RFC 6121 §2.2–§2.5, roster versioning §2.6).</summary>
internal sealed partial class RosterIqHandler(ImContext im) : IIqHandler
{
    private const int MaxNameBytes = 1023;
    private const int MaxGroupBytes = 1023;
    private const int MaxGroups = 64;

    public static ReadOnlySpan<byte> Namespace => "jabber:iq:roster"u8;

    public void HandleIq(ref IqRequest request)
    {
        if (request.Target != IqTarget.OwnAccount)
        {
            // RFC 6121 §2.1.5: only the user's own roster is reachable.
            request.ReplyError(StanzaErrorCondition.Forbidden);
            return;
        }

        if (request.Type == Core.Stanzas.IqType.Get)
        {
            HandleGet(ref request);
        }
        else
        {
            HandleSet(ref request);
        }
    }

    private void HandleGet(ref IqRequest request)
    {
        var session = request.Session;
        session.IsInterestedResource = true;
        var user = session.User!;
        var roster = im.RosterOf(user);
        var writer = ScratchWriter.RentPayload();
        lock (user.Gate)
        {
            var current = roster.Version;
            if (request.Payload.TryGetAttribute("ver"u8, out var ver) && ver.Length > 0 && IsCurrent(ver, current))
            {
                // RFC 6121 §2.6.3: the client's cached roster is current; pushes bring later changes.
                request.ReplyResult();
                return;
            }

            writer.Write("<query xmlns='jabber:iq:roster' ver='"u8);
            RosterPush.WriteVersion(writer, current);
            writer.Write("'>"u8);
            foreach (var item in roster.Items)
            {
                if (RosterItems.IsListed(item))
                {
                    RosterItemWriter.Write(writer, item);
                }
            }

            writer.Write("</query>"u8);
        }

        request.ReplyResult(writer.WrittenSpan);
    }

    private static bool IsCurrent(ReadOnlySpan<byte> ver, long current)
        => System.Buffers.Text.Utf8Parser.TryParse(ver, out long value, out var consumed) && consumed == ver.Length && value == current;

    private void HandleSet(ref IqRequest request)
    {
        var query = request.Payload;
        XmlElementReader item = default;
        var count = 0;
        foreach (var child in query.GetChildren())
        {
            if (child.LocalName.SequenceEqual("item"u8) && child.Namespace.SequenceEqual(Namespace))
            {
                item = child;
            }

            count++;
        }

        if (count != 1 || item.Raw.IsEmpty)
        {
            request.ReplyError(StanzaErrorCondition.BadRequest); // RFC 6121 §2.3.3: exactly one item
            return;
        }

        if (!item.TryGetAttribute("jid"u8, out var rawJid))
        {
            request.ReplyError(StanzaErrorCondition.BadRequest);
            return;
        }

        Span<byte> jid = stackalloc byte[JidNormalizer.MaxJidBytes];
        if (!JidText.TryNormalize(rawJid, jid, out var jidLength, out var parts))
        {
            request.ReplyError(StanzaErrorCondition.JidMalformed);
            return;
        }

        if (parts.HasResource)
        {
            request.ReplyError(StanzaErrorCondition.BadRequest); // roster items are bare JIDs (RFC 6121 §2.1.2.2)
            return;
        }

        var contact = jid[..jidLength];
        if (contact.SequenceEqual(request.Session.BareJid))
        {
            request.ReplyError(StanzaErrorCondition.NotAcceptable);
            return;
        }

        if (item.TryGetAttribute("subscription"u8, out var subscription) && subscription.SequenceEqual("remove"u8))
        {
            Remove(ref request, contact.ToArray());
            return;
        }

        var error = ReadNameAndGroups(item, out var name, out var groups);
        if (error is { } condition)
        {
            request.ReplyError(condition);
            return;
        }

        Update(ref request, contact.ToArray(), name, groups);
    }
}
