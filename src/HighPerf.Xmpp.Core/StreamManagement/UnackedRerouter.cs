using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Routing;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Core.StreamManagement;

/// <summary>
/// "Nothing is lost" (XEP-0198 §4.3 and Prosody's mod_smacks): the stanzas a session never got acknowledged when it
/// ends (resumption timeout, clean close, stream error, replacement) are routed again as if sent to its full JID
/// after it left (RFC 6121 §8.5.3.2.1): messages to the user's other available resources, else offline storage
/// (XEP-0160); types never stored are dropped or bounced as RFC 6121 says; iq requests get service-unavailable.
/// <see cref="Spill"/> does the same for a detached session over its bound, which is still routable: its messages
/// go straight to offline storage. Runs once per ended session or spill, off the hot path: it may allocate.
/// </summary>
internal sealed class UnackedRerouter(XmppServer server)
{
    private static ReadOnlySpan<byte> StreamOpen =>
        "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"u8;

    public void Reroute(XmppSession ended, UnackedStanzas stanzas) => Walk(ended, stanzas, spill: false);

    /// <summary>
    /// For a detached session still in the routing table (it would be found again): messages go straight to offline
    /// storage (else bounced), iq requests are bounced, presence is dropped. Returns what the session gave up.
    /// </summary>
    public ResumeGap Spill(XmppSession detached, UnackedStanzas stanzas) => Walk(detached, stanzas, spill: true);

    public void RerouteOne(XmppSession ended, ReadOnlySpan<byte> stanza)
    {
        using var tokenizer = new XmlStreamTokenizer(server.Options.XmlLimits);
        var gap = ResumeGap.None;
        Parse(tokenizer, ended, stanza, spill: false, ref gap);
    }

    private ResumeGap Walk(XmppSession session, UnackedStanzas stanzas, bool spill)
    {
        var gap = ResumeGap.None;
        if (stanzas.Count == 0)
        {
            return gap;
        }

        using var tokenizer = new XmlStreamTokenizer(server.Options.XmlLimits);
        var cursor = stanzas.GetCursor();
        while (cursor.MoveNext())
        {
            Parse(tokenizer, session, cursor.Current, spill, ref gap);
        }

        return gap;
    }

    private void Parse(XmlStreamTokenizer tokenizer, XmppSession ended, ReadOnlySpan<byte> stanza, bool spill, ref ResumeGap gap)
    {
        // The kept bytes are a stanza as written on the stream: re-read it inside a synthetic stream header.
        tokenizer.Reset();
        var sink = new Sink(this, ended, spill);
        tokenizer.Feed(StreamOpen, ref sink, out _);
        tokenizer.Feed(stanza, ref sink, out _);
        gap |= sink.Gap;
    }

    private ResumeGap Handle(XmppSession ended, in XmlElement element, bool spill)
    {
        var name = element.LocalName;
        if (name.SequenceEqual(XmppNames.Message))
        {
            return HandleMessage(ended, element, spill);
        }

        if (name.SequenceEqual(XmppNames.Iq))
        {
            var type = StanzaTypes.ParseIq(element.TypeValue);
            if (type is IqType.Get or IqType.Set)
            {
                Bounce(ended, element, StanzaErrorCondition.ServiceUnavailable);
            }
        }
        else if (name.SequenceEqual(XmppNames.Presence))
        {
            // Once the session is gone its contacts' state no longer matters (and its unavailable goes out); a
            // detached one learns the current state at resume instead.
            return spill ? ResumeGap.PresenceDropped : ResumeGap.None;
        }

        return ResumeGap.None;
    }

    private ResumeGap HandleMessage(XmppSession ended, in XmlElement element, bool spill)
    {
        var type = StanzaTypes.ParseMessage(element.TypeValue);
        switch (type)
        {
            case MessageType.Error:
                return ResumeGap.None;
            case MessageType.Groupchat:
                Bounce(ended, element, StanzaErrorCondition.ServiceUnavailable);
                return ResumeGap.None;
        }

        Span<byte> fromAttribute = stackalloc byte[element.FromValue.Length + 8];
        var fromLength = 0;
        if (element.From.IsPresent)
        {
            " from='"u8.CopyTo(fromAttribute);
            element.FromValue.CopyTo(fromAttribute[7..]);
            fromAttribute[7 + element.FromValue.Length] = (byte)'\'';
            fromLength = element.FromValue.Length + 8;
        }

        var bare = ended.BareJid;
        if (!spill && server.Routes.TryGetUser(bare, out var user)
            && Router.DeliverToAvailable(user, element, fromAttribute[..fromLength], toAll: type == MessageType.Headline))
        {
            return ResumeGap.None;
        }

        if (type == MessageType.Headline)
        {
            return ResumeGap.None; // RFC 6121 §8.5.2.2.1: never stored.
        }

        var offline = server.Modules.UndeliverableMessages;
        if (offline is null || !offline.TakeUnacknowledged(element, bare))
        {
            Bounce(ended, element, StanzaErrorCondition.ServiceUnavailable);
            return ResumeGap.None;
        }

        return ResumeGap.MessagesStored;
    }

    /// <summary>An error to the original sender when it is a session here (remote senders wait for federation).</summary>
    private void Bounce(XmppSession ended, in XmlElement element, StanzaErrorCondition condition)
    {
        if (!element.From.IsPresent || element.TypeValue.SequenceEqual(XmppNames.Error))
        {
            return;
        }

        Span<byte> from = stackalloc byte[JidNormalizer.MaxJidBytes];
        if (!JidText.TryNormalize(element.FromValue, from, out var length, out var parts) || !parts.HasResource)
        {
            return;
        }

        var sender = from[..length];
        var session = server.Routes.FindSession(parts.Bare(sender), parts.Resource(sender));
        if (session is null)
        {
            return;
        }

        using var writer = new PooledBufferWriter(256);
        StanzaErrorWriter.Write(writer, element.LocalName, element.IdValue, element.Id.IsPresent, ended.FullJid, sender, condition);
        session.Send(writer.WrittenSpan);
    }

    private struct Sink(UnackedRerouter rerouter, XmppSession ended, bool spill) : IXmlStreamSink
    {
        public ResumeGap Gap;

        public readonly bool OnStreamOpen(in StreamHeader header) => true;

        public bool OnElement(in XmlElement element)
        {
            Gap |= rerouter.Handle(ended, element, spill);
            return true;
        }

        public readonly bool OnStreamClose() => true;
    }
}
