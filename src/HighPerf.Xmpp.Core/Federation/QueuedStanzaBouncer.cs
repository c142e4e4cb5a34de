using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Reader;

namespace HighPerf.Xmpp.Core.Federation;

/// <summary>
/// RFC 6120 §8.3 for stanzas a link could not deliver: each is answered to its local sender with the error
/// (remote-server-not-found, remote-server-timeout), from the address it was sent to. Errors are never answered.
/// Runs on link failure only, so it may parse and allocate.
/// </summary>
internal sealed class QueuedStanzaBouncer(XmppServer server)
{
    public void Bounce(byte[] stanza, StanzaErrorCondition condition)
    {
        var reader = XmlElementReader.Create(stanza, XmppNames.NsServer);
        if (!reader.IsValid || !reader.TryGetAttribute(XmppNames.From, out var rawFrom) || !reader.TryGetAttribute(XmppNames.To, out var rawTo))
        {
            return;
        }

        if (reader.TryGetAttribute(XmppNames.Type, out var type) && type.SequenceEqual(XmppNames.Error))
        {
            return;
        }

        Span<byte> from = stackalloc byte[JidNormalizer.MaxJidBytes];
        Span<byte> to = stackalloc byte[JidNormalizer.MaxJidBytes];
        if (!JidText.TryNormalize(rawFrom, from, out var fromLength, out var fromParts) || !JidText.TryNormalize(rawTo, to, out var toLength, out _))
        {
            return;
        }

        var hasId = reader.TryGetAttribute(XmppNames.Id, out var id);
        using var writer = new PooledBufferWriter(256);
        StanzaErrorWriter.Write(writer, reader.LocalName, id, hasId, to[..toLength], from[..fromLength], condition);
        DeliverLocal(from[..fromLength], fromParts, writer.WrittenSpan);
    }

    /// <summary>Delivers server-made bytes to a local full JID's session, or to a bare JID's available sessions.</summary>
    private void DeliverLocal(ReadOnlySpan<byte> jid, in JidParts parts, ReadOnlySpan<byte> stanza)
    {
        if (!parts.HasLocal || !server.IsLocalDomain(parts.Domain(jid)) || !server.Routes.TryGetUser(parts.Bare(jid), out var user))
        {
            return; // the server itself, or a user gone offline: nobody to tell
        }

        if (parts.HasResource)
        {
            user.FindByResource(parts.Resource(jid))?.Send(stanza);
            return;
        }

        foreach (var session in user.Sessions)
        {
            if (session.IsAvailable)
            {
                session.Send(stanza);
            }
        }
    }
}
