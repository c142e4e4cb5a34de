using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Core.Cluster;

/// <summary>
/// Stanzas another node forwards to a hosted service entity here (<see cref="NodeFrame.Service"/>: a MUC room this
/// node serves). The stanza is read with a tokenizer kept per link thread (fed the stream header once), and handed to
/// the domain's <see cref="IClusterHostedDomain"/> with the sender as its stamped 'from' says.
/// </summary>
public sealed partial class ClusterDelivery
{
    [ThreadStatic]
    private static XmlStreamTokenizer? t_serviceTokenizer;

    /// <summary>Handles a forwarded stanza for a service entity on this node (the link's event loop).</summary>
    public void DeliverToService(string fromNode, ReadOnlySpan<byte> stanza)
    {
        var tokenizer = t_serviceTokenizer;
        if (tokenizer is null)
        {
            tokenizer = new XmlStreamTokenizer(server.Options.XmlLimits);
            var opening = new ServiceSink(this, null);
            tokenizer.Feed(StreamOpen, ref opening, out _);
            t_serviceTokenizer = tokenizer;
        }

        var sink = new ServiceSink(this, fromNode);
        if (tokenizer.Feed(stanza, ref sink, out _) != XmlStreamError.None)
        {
            // A node never sends bad XML; should one, the next frame starts on a fresh tokenizer.
            tokenizer.Dispose();
            t_serviceTokenizer = null;
        }
    }

    /// <summary>A stanza for a service entity on another node that the link could not deliver: messages and iq requests
    /// get service-unavailable back to their sender here (RFC 6120 §8.3.3.19), the rest is dropped.</summary>
    private void UndeliverableToService(ReadOnlySpan<byte> stanza)
    {
        using var tokenizer = new XmlStreamTokenizer(server.Options.XmlLimits);
        var sink = new BounceSink(this);
        tokenizer.Feed(StreamOpen, ref sink, out _);
        tokenizer.Feed(stanza, ref sink, out _);
    }

    private void HandleService(string fromNode, in XmlElement element)
    {
        Span<byte> from = stackalloc byte[JidNormalizer.MaxJidBytes];
        Span<byte> to = stackalloc byte[JidNormalizer.MaxJidBytes];
        if (!JidText.TryNormalize(element.FromValue, from, out var fromLength, out var fromParts) || !fromParts.HasResource
            || !JidText.TryNormalize(element.ToValue, to, out var toLength, out var toParts)
            || !server.Modules.TryGetHostedDomain(toParts.Domain(to[..toLength]), out var hosted)
            || hosted is not IClusterHostedDomain service)
        {
            return;
        }

        var sender = from[..fromLength];
        service.HandleForwarded(fromNode, fromParts.Bare(sender), fromParts.Resource(sender), element, to[..toLength], toParts);
    }

    private void BounceToSender(in XmlElement element)
    {
        var name = element.LocalName;
        var bounce = name.SequenceEqual(XmppNames.Message)
            ? StanzaTypes.ParseMessage(element.TypeValue) != MessageType.Error
            : name.SequenceEqual(XmppNames.Iq) && StanzaTypes.ParseIq(element.TypeValue) is IqType.Get or IqType.Set;
        Span<byte> to = stackalloc byte[JidNormalizer.MaxJidBytes];
        if (bounce && JidText.TryNormalize(element.ToValue, to, out var length, out _))
        {
            Bounce(element, to[..length], StanzaErrorCondition.ServiceUnavailable);
        }
    }

    private readonly struct ServiceSink(ClusterDelivery delivery, string? fromNode) : IXmlStreamSink
    {
        public bool OnStreamOpen(in StreamHeader header) => true;

        public bool OnElement(in XmlElement element)
        {
            if (fromNode is not null)
            {
                delivery.HandleService(fromNode, element);
            }

            return true;
        }

        public bool OnStreamClose() => true;
    }

    private readonly struct BounceSink(ClusterDelivery delivery) : IXmlStreamSink
    {
        public bool OnStreamOpen(in StreamHeader header) => true;

        public bool OnElement(in XmlElement element)
        {
            delivery.BounceToSender(element);
            return true;
        }

        public bool OnStreamClose() => true;
    }
}
