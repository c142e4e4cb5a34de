using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Reader;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Core.Federation;

/// <summary>
/// RFC 6120 §8.3 for stanzas a link could not deliver: each is answered to its local sender with the error
/// (remote-server-not-found, remote-server-timeout), from the address it was sent to. Errors are never answered.
/// Runs on link failure only, so it may parse and allocate.
/// </summary>
internal sealed class QueuedStanzaBouncer(XmppServer server)
{
    /// <summary>Declares what our s2s stream header declares, for bytes cut out of the middle of a stream.</summary>
    private static ReadOnlySpan<byte> SyntheticHeader =>
        "<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' xmlns:db='jabber:server:dialback'>"u8;

    // Whatever our own server wrote passed its limits once; these only keep the tokenizer from refusing it.
    private static readonly XmlStreamLimits UnitLimits = new() { MaxStanzaBytes = 1 << 30, MaxDepth = 1024, MaxAttributes = 4096 };

    /// <summary>
    /// Bounces every stanza in <paramref name="units"/>: whole top-level units of an s2s stream as our server queued
    /// them (stream headers, dialback elements and the closing tag among them are skipped). Returns how many were answered.
    /// </summary>
    public int BounceUnits(ReadOnlySpan<byte> units, StanzaErrorCondition condition)
    {
        using var tokenizer = new XmlStreamTokenizer(UnitLimits);
        var sink = new UnitSink(this, condition);
        if (!units.StartsWith("<?xml"u8) && !units.StartsWith("<stream:stream"u8))
        {
            tokenizer.Feed(SyntheticHeader, ref sink, out _);
        }

        tokenizer.Feed(units, ref sink, out _);
        return sink.Count;
    }

    /// <summary>Answers one stanza with the error; false for an error stanza or one without usable addresses.</summary>
    public bool Bounce(ReadOnlySpan<byte> stanza, StanzaErrorCondition condition)
    {
        var reader = XmlElementReader.Create(stanza, XmppNames.NsServer);
        if (!reader.IsValid || !reader.TryGetAttribute(XmppNames.From, out var rawFrom) || !reader.TryGetAttribute(XmppNames.To, out var rawTo))
        {
            return false;
        }

        if (reader.TryGetAttribute(XmppNames.Type, out var type) && type.SequenceEqual(XmppNames.Error))
        {
            return false;
        }

        Span<byte> from = stackalloc byte[JidNormalizer.MaxJidBytes];
        Span<byte> to = stackalloc byte[JidNormalizer.MaxJidBytes];
        if (!JidText.TryNormalize(rawFrom, from, out var fromLength, out var fromParts) || !JidText.TryNormalize(rawTo, to, out var toLength, out _))
        {
            return false;
        }

        var hasId = reader.TryGetAttribute(XmppNames.Id, out var id);
        using var writer = new PooledBufferWriter(256);
        StanzaErrorWriter.Write(writer, reader.LocalName, id, hasId, to[..toLength], from[..fromLength], condition);
        DeliverLocal(from[..fromLength], fromParts, writer.WrittenSpan);
        return true;
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

    /// <summary>Bounces each stanza the tokenizer reports (by reference: the count is read back after Feed).</summary>
    private struct UnitSink(QueuedStanzaBouncer bouncer, StanzaErrorCondition condition) : IXmlStreamSink
    {
        public int Count { get; private set; }

        public readonly bool OnStreamOpen(in StreamHeader header) => true;

        public bool OnElement(in XmlElement element)
        {
            var name = element.LocalName;
            if (element.Namespace.SequenceEqual(XmppNames.NsServer)
                && (name.SequenceEqual(XmppNames.Message) || name.SequenceEqual(XmppNames.Presence) || name.SequenceEqual(XmppNames.Iq)))
            {
                if (bouncer.Bounce(element.Raw, condition))
                {
                    Count++;
                }
            }

            return true;
        }

        public readonly bool OnStreamClose() => false;
    }
}
