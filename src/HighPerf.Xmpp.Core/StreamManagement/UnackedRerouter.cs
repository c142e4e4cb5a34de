using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Hosting;
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
/// Runs once per ended session, off the hot path: it may allocate.
/// </summary>
internal sealed class UnackedRerouter(XmppServer server)
{
    private static ReadOnlySpan<byte> StreamOpen =>
        "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"u8;

    public void Reroute(XmppSession ended, UnackedStanzas stanzas)
    {
        if (stanzas.Count == 0)
        {
            return;
        }

        using var tokenizer = new XmlStreamTokenizer(server.Options.XmlLimits);
        var cursor = stanzas.GetCursor();
        while (cursor.MoveNext())
        {
            Parse(tokenizer, ended, cursor.Current);
        }

    }

    public void RerouteOne(XmppSession ended, ReadOnlySpan<byte> stanza)
    {
        using var tokenizer = new XmlStreamTokenizer(server.Options.XmlLimits);
        Parse(tokenizer, ended, stanza);
    }

    private void Parse(XmlStreamTokenizer tokenizer, XmppSession ended, ReadOnlySpan<byte> stanza)
    {
        // The kept bytes are a stanza as written on the stream: re-read it inside a synthetic stream header.
        tokenizer.Reset();
        var sink = new Sink(this, ended);
        tokenizer.Feed(StreamOpen, ref sink, out _);
        tokenizer.Feed(stanza, ref sink, out _);
    }

    private void Handle(XmppSession ended, in XmlElement element)
    {
        var name = element.LocalName;
        if (name.SequenceEqual(XmppNames.Message))
        {
            HandleMessage(ended, element);
        }
        else if (name.SequenceEqual(XmppNames.Iq))
        {
            var type = StanzaTypes.ParseIq(element.TypeValue);
            if (type is IqType.Get or IqType.Set)
            {
                Bounce(ended, element, StanzaErrorCondition.ServiceUnavailable);
            }
        }

        // Presence: the contact's state is current anyway once the session is gone (and its unavailable goes out).
    }

    private void HandleMessage(XmppSession ended, in XmlElement element)
    {
        var type = StanzaTypes.ParseMessage(element.TypeValue);
        switch (type)
        {
            case MessageType.Error:
                return;
            case MessageType.Groupchat:
                Bounce(ended, element, StanzaErrorCondition.ServiceUnavailable);
                return;
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
        if (server.Routes.TryGetUser(bare, out var user)
            && Router.DeliverToAvailable(user, element, fromAttribute[..fromLength], toAll: type == MessageType.Headline))
        {
            return;
        }

        if (type == MessageType.Headline)
        {
            return; // RFC 6121 §8.5.2.2.1: never stored.
        }

        var offline = server.Modules.UndeliverableMessages;
        if (offline is null || !offline.TakeUnacknowledged(element, bare))
        {
            Bounce(ended, element, StanzaErrorCondition.ServiceUnavailable);
        }
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

    private readonly struct Sink(UnackedRerouter rerouter, XmppSession ended) : IXmlStreamSink
    {
        public bool OnStreamOpen(in StreamHeader header) => true;

        public bool OnElement(in XmlElement element)
        {
            rerouter.Handle(ended, element);
            return true;
        }

        public bool OnStreamClose() => true;
    }
}
