using System.Diagnostics;
using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Core.Federation;

/// <summary>
/// Stanzas on a receiving stream (RFC 6120 §8.1.1.2, XEP-0220 §2.4): 'from' and 'to' are required, 'to' must be a
/// domain we serve and the pair (from's domain, to's domain) must have been authenticated on this stream; then the
/// stanza is routed as if the remote sender were a client of ours, through its stand-in session.
/// </summary>
public sealed partial class S2sSession
{
    private bool HandleInboundStanza(in XmlElement element)
    {
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

        if (_pairs is null)
        {
            // RFC 6120 §8.1.1.2 / XEP-0220: nothing is accepted before a domain pair is authenticated.
            CloseWithStreamError(StreamErrorCondition.NotAuthorized);
            return false;
        }

        Span<byte> from = stackalloc byte[JidNormalizer.MaxJidBytes];
        Span<byte> to = stackalloc byte[JidNormalizer.MaxJidBytes];
        if (!element.From.IsPresent || !element.To.IsPresent
            || !JidText.TryNormalize(element.FromValue, from, out var fromLength, out var fromParts)
            || !JidText.TryNormalize(element.ToValue, to, out var toLength, out var toParts))
        {
            CloseWithStreamError(StreamErrorCondition.ImproperAddressing);
            return false;
        }

        var fromJid = from[..fromLength];
        var toJid = to[..toLength];
        var toDomain = toParts.Domain(toJid);
        if (!IsAuthenticatedPair(fromParts.Domain(fromJid), toDomain))
        {
            // A 'to' we do not serve is host-unknown; a 'from' of a domain the peer has not proven is spoofed.
            CloseWithStreamError(_federation.IsServedDomain(toDomain) ? StreamErrorCondition.InvalidFrom : StreamErrorCondition.HostUnknown);
            return false;
        }

        Volatile.Write(ref _lastActivity, Environment.TickCount64);
        var metrics = _server.Metrics;
        metrics.StanzasIn.Add(1, XmppMetrics.KindTag(kind));
        var started = metrics.RoutingDuration.Enabled ? Stopwatch.GetTimestamp() : 0;
        var sender = _federation.RemoteEntity(toDomain, fromJid, fromParts);
        _server.Router.RouteRemote(sender, element, kind, toJid, toParts);
        if (started != 0)
        {
            metrics.RoutingDuration.Record(XmppMetrics.SecondsSince(started));
        }

        return _stage != S2sStage.Closed;
    }
}
