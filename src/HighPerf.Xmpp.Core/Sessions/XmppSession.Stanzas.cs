using System.Diagnostics;
using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Core.Sessions;

/// <summary>Stanzas of a bound session: checks of 'from' and 'to', then the router (RFC 6120 §8).</summary>
public sealed partial class XmppSession
{
    private bool HandleBoundElement(in XmlElement element)
    {
        var ns = element.Namespace;
        if (!ns.SequenceEqual(XmppNames.NsClient))
        {
            if (_server.Modules.TryGetStreamElementHandler(ns, out var handler))
            {
                return handler.HandleElement(this, element) && _stage != StreamStage.Closed;
            }

            CloseWithStreamError(StreamErrorCondition.UnsupportedStanzaType);
            return false;
        }

        StanzaKind kind;
        var name = element.LocalName;
        if (name.SequenceEqual(XmppNames.Message))
        {
            kind = StanzaKind.Message;
        }
        else if (name.SequenceEqual(XmppNames.Presence))
        {
            kind = StanzaKind.Presence;
        }
        else if (name.SequenceEqual(XmppNames.Iq))
        {
            kind = StanzaKind.Iq;
        }
        else
        {
            CloseWithStreamError(StreamErrorCondition.UnsupportedStanzaType);
            return false;
        }

        CountHandledStanza();
        var metrics = _server.Metrics;
        metrics.StanzasIn.Add(1, XmppMetrics.KindTag(kind));
        var started = metrics.RoutingDuration.Enabled ? Stopwatch.GetTimestamp() : 0;
        if (element.From.IsPresent && !IsOwnAddress(element.FromValue))
        {
            // RFC 6120 §8.1.2.1: a client may only claim its own full or bare JID.
            CloseWithStreamError(StreamErrorCondition.InvalidFrom);
            return false;
        }

        Span<byte> to = stackalloc byte[JidNormalizer.MaxJidBytes];
        var toLength = 0;
        JidParts toParts = default;
        if (element.To.IsPresent && !JidText.TryNormalize(element.ToValue, to, out toLength, out toParts))
        {
            if (!element.TypeValue.SequenceEqual(XmppNames.Error))
            {
                SendError(element, StanzaErrorCondition.JidMalformed);
            }

            return true;
        }

        var toJid = to[..toLength];

        // Indexed, not foreach: enumerating an IReadOnlyList boxes its enumerator, 40 bytes per stanza.
        var modules = _server.Modules;
        var interceptors = modules.Interceptors;
        var gate = modules.DeliveryGate;
        var beforeGate = gate is null ? interceptors.Count : modules.InterceptorsBeforeGate;
        for (var i = 0; i < beforeGate; i++)
        {
            if (!interceptors[i].OnClientStanza(this, element, kind, toJid))
            {
                return _stage != StreamStage.Closed;
            }
        }

        if (gate is not null)
        {
            if (HoldAtGate(gate, element, kind, toJid, toParts, started))
            {
                return _stage != StreamStage.Closed;
            }

            for (var i = beforeGate; i < interceptors.Count; i++)
            {
                if (!interceptors[i].OnClientStanza(this, element, kind, toJid))
                {
                    return _stage != StreamStage.Closed;
                }
            }
        }

        _server.Router.Route(this, element, kind, toJid, toParts);
        if (started != 0)
        {
            metrics.RoutingDuration.Record(XmppMetrics.SecondsSince(started));
        }

        return _stage != StreamStage.Closed;
    }

    private bool IsOwnAddress(ReadOnlySpan<byte> rawFrom)
    {
        if (rawFrom.SequenceEqual(FullJid))
        {
            return true;
        }

        Span<byte> from = stackalloc byte[JidNormalizer.MaxJidBytes];
        if (!JidText.TryNormalize(rawFrom, from, out var length, out _))
        {
            return false;
        }

        var normalized = from[..length];
        return normalized.SequenceEqual(FullJid) || normalized.SequenceEqual(BareJid);
    }

    /// <summary>Answers a stanza from this client with a stanza error from the address it was sent to.</summary>
    public void SendError(in XmlElement element, StanzaErrorCondition condition, ReadOnlySpan<byte> errorFrom = default)
    {
        if (element.TypeValue.SequenceEqual(XmppNames.Error))
        {
            return; // RFC 6120 §8.3.1: never answer an error with an error.
        }

        var writer = ScratchWriter.Rent();
        StanzaErrorWriter.Write(writer, element.LocalName, element.IdValue, element.Id.IsPresent, errorFrom, FullJid, condition);
        Send(writer.WrittenSpan);
    }

    /// <summary>Answers an iq from this client with a result, optionally carrying <paramref name="payload"/>.</summary>
    public void SendIqResult(in XmlElement request, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> from = default)
    {
        var writer = ScratchWriter.Rent();
        writer.Write("<iq type='result'"u8);
        EscapingWriter.WriteAttribute(writer, XmppNames.Id, request.IdValue);
        if (!from.IsEmpty)
        {
            EscapingWriter.WriteEscapedAttribute(writer, XmppNames.From, from);
        }

        if (_jidLength > 0)
        {
            EscapingWriter.WriteEscapedAttribute(writer, XmppNames.To, FullJid);
        }

        if (payload.IsEmpty)
        {
            writer.Write("/>"u8);
        }
        else
        {
            writer.Write(">"u8);
            writer.Write(payload);
            writer.Write("</iq>"u8);
        }

        Send(writer.WrittenSpan);
    }

    /// <summary>Thread-safe. Delivers a stanza another entity sent, with its 'from' set to <paramref name="fromAttribute"/>
    /// (a pre-encoded ` from='…'`), replacing any 'from' it carried. One copy, into this session's queue.</summary>
    public bool DeliverStamped(in XmlElement element, ReadOnlySpan<byte> fromAttribute)
    {
        CountRouted(element);
        return Send(StanzaSlices.Of(element, cutTo: false).With(fromAttribute, default));
    }

    /// <summary>Thread-safe. As <see cref="DeliverStamped(in XmlElement, ReadOnlySpan{byte})"/>, also addressing it to this
    /// session's full JID (used for broadcast presence, which carries no 'to' of its own).</summary>
    public bool DeliverAddressed(in XmlElement element, ReadOnlySpan<byte> fromAttribute)
    {
        CountRouted(element);
        return Send(StanzaSlices.Of(element, cutTo: true).With(fromAttribute, ToAttribute));
    }

    private void CountRouted(in XmlElement element)
    {
        var counter = _server.Metrics.StanzasOut;
        if (!counter.Enabled)
        {
            return;
        }

        // message, presence or iq: the first letter tells them apart.
        var name = element.LocalName;
        var kind = name.IsEmpty || name[0] == (byte)'m' ? StanzaKind.Message : name[0] == (byte)'p' ? StanzaKind.Presence : StanzaKind.Iq;
        counter.Add(1, XmppMetrics.KindTag(kind));
    }
}
