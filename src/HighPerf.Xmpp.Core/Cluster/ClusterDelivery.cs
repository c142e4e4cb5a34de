using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Routing;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Core.Cluster;

/// <summary>
/// What a node does with a stanza another node forwarded for one of its sessions: its bytes (with 'from' already
/// stamped there) go into the session's queue as a local delivery's would. A stanza that cannot reach its session
/// (it ended meanwhile, or the link to its node failed before the node acknowledged it) is handled as for a full JID
/// whose session just left (RFC 6121 §8.5.3.2.1, as <see cref="StreamManagement.UnackedRerouter"/> does for
/// unacknowledged stanzas): messages to the user's other available resources on this node, else offline storage
/// (XEP-0160) through the shared store; iq requests and groupchat answered with service-unavailable to their
/// sender, wherever it is bound; presence dropped. Errors never go back over a link a second time, so a bounce
/// cannot loop. Undeliverable handling parses and may allocate: it runs on failures only.
/// </summary>
public sealed partial class ClusterDelivery(XmppServer server)
{
    private static ReadOnlySpan<byte> StreamOpen =>
        "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"u8;

    /// <summary>Delivers a forwarded stanza to the session bound here (any thread).</summary>
    public void Deliver(ReadOnlySpan<byte> bareJid, ReadOnlySpan<byte> resource, ReadOnlySpan<byte> stanza)
    {
        var session = server.Routes.FindSession(bareJid, resource);
        if (session is null || !session.Send(stanza))
        {
            Undeliverable(bareJid, resource, stanza);
        }
    }

    /// <summary>Another node bound the full JID: the session here ends with a conflict stream error (RFC 6120 §7.7.2.2).</summary>
    public void Kick(ReadOnlySpan<byte> bareJid, ReadOnlySpan<byte> resource)
        => server.Routes.FindSession(bareJid, resource)?.Kick(StreamErrorCondition.Conflict);

    /// <summary>A data frame (header included) its link could not get acknowledged.</summary>
    public void UndeliverableFrame(ReadOnlySpan<byte> frame)
    {
        if (frame.Length > NodeFrame.HeaderBytes && frame[4] == NodeFrame.Stanza
            && NodeFrame.TryReadAddressed(frame[NodeFrame.HeaderBytes..], out var bare, out var resource, out var stanza))
        {
            Undeliverable(bare, resource, stanza);
        }
    }

    /// <summary>A stanza for <paramref name="bareJid"/>/<paramref name="resource"/> that did not reach its session.</summary>
    public void Undeliverable(ReadOnlySpan<byte> bareJid, ReadOnlySpan<byte> resource, ReadOnlySpan<byte> stanza)
    {
        using var tokenizer = new XmlStreamTokenizer(server.Options.XmlLimits);
        Span<byte> recipient = stackalloc byte[bareJid.Length + 1 + resource.Length];
        bareJid.CopyTo(recipient);
        recipient[bareJid.Length] = (byte)'/';
        resource.CopyTo(recipient[(bareJid.Length + 1)..]);
        var sink = new Sink(this, recipient.ToArray(), bareJid.Length);
        tokenizer.Feed(StreamOpen, ref sink, out _);
        tokenizer.Feed(stanza, ref sink, out _);
    }

    private void Handle(in XmlElement element, ReadOnlySpan<byte> recipient, int bareLength)
    {
        var name = element.LocalName;
        if (name.SequenceEqual(XmppNames.Message))
        {
            HandleMessage(element, recipient, bareLength);
        }
        else if (name.SequenceEqual(XmppNames.Iq) && StanzaTypes.ParseIq(element.TypeValue) is IqType.Get or IqType.Set)
        {
            Bounce(element, recipient, StanzaErrorCondition.ServiceUnavailable);
        }
    }

    private void HandleMessage(in XmlElement element, ReadOnlySpan<byte> recipient, int bareLength)
    {
        var type = StanzaTypes.ParseMessage(element.TypeValue);
        if (type == MessageType.Error)
        {
            return;
        }

        if (type == MessageType.Groupchat)
        {
            Bounce(element, recipient, StanzaErrorCondition.ServiceUnavailable);
            return;
        }

        var bare = recipient[..bareLength];
        Span<byte> fromAttribute = stackalloc byte[element.FromValue.Length + 8];
        " from='"u8.CopyTo(fromAttribute);
        element.FromValue.CopyTo(fromAttribute[7..]);
        fromAttribute[^1] = (byte)'\'';
        if (server.Routes.TryGetUser(bare, out var user)
            && Router.DeliverToAvailable(user, element, element.From.IsPresent ? fromAttribute : default, toAll: type == MessageType.Headline))
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
            Bounce(element, recipient, StanzaErrorCondition.ServiceUnavailable);
        }
    }

    /// <summary>The error to the stanza's sender: its session here, else over the link to its node.</summary>
    private void Bounce(in XmlElement element, ReadOnlySpan<byte> recipient, StanzaErrorCondition condition)
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
        using var writer = new PooledBufferWriter(256);
        StanzaErrorWriter.Write(writer, element.LocalName, element.IdValue, element.Id.IsPresent, recipient, sender, condition);
        var session = server.Routes.FindSession(parts.Bare(sender), parts.Resource(sender));
        if (session is not null)
        {
            session.Send(writer.WrittenSpan);
        }
        else
        {
            server.Cluster?.TrySendToFull(parts.Bare(sender), parts.Resource(sender), writer.WrittenSpan);
        }
    }

    private readonly struct Sink(ClusterDelivery delivery, byte[] recipient, int bareLength) : IXmlStreamSink
    {
        public bool OnStreamOpen(in StreamHeader header) => true;

        public bool OnElement(in XmlElement element)
        {
            delivery.Handle(element, recipient, bareLength);
            return true;
        }

        public bool OnStreamClose() => true;
    }
}
