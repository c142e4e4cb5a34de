using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Core.Sessions;

/// <summary>
/// Stanzas held by the <see cref="IDeliveryGate"/> (XEP-0313: archived before delivered). A held stanza and every
/// later one from this session wait in <see cref="HeldStanzas"/>; once durable they are read again from their kept
/// bytes and continue through the interceptors after the gate and the router, exactly as if they had just arrived.
/// </summary>
public sealed partial class XmppSession
{
    [ThreadStatic]
    private static PooledBufferWriter? t_gateWriter;

    [ThreadStatic]
    private static XmlStreamTokenizer? t_releaseTokenizer;

    [ThreadStatic]
    private static bool t_releaseOpened;

    [ThreadStatic]
    private static bool t_releasing;

    private static ReadOnlySpan<byte> ReleaseStreamOpen =>
        "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"u8;

    private HeldStanzas? _held;
    private long _releasedReadAt;

    /// <summary>Bytes of stanzas waiting for the delivery gate.</summary>
    public int HeldBytes => _held?.HeldBytes ?? 0;

    /// <summary>True when the stanza is held (queued for later); false to route it now.</summary>
    private bool HoldAtGate(IDeliveryGate gate, in XmlElement element, StanzaKind kind, ReadOnlySpan<byte> to, in JidParts toParts, long readAt)
    {
        var writer = t_gateWriter ??= new PooledBufferWriter();
        writer.Reset();
        var position = gate.Admit(this, element, kind, to, toParts, writer);
        if (position == 0)
        {
            if (_held is null || _held.IsEmpty)
            {
                return false;
            }

            HoldOrClose(element.Raw, 0, readAt);
            return true;
        }

        _held ??= new HeldStanzas(this, gate);
        HoldOrClose(writer.WrittenSpan, position, readAt);
        return true;
    }

    private void HoldOrClose(ReadOnlySpan<byte> stanza, long position, long readAt)
    {
        if (!_held!.Add(stanza, position, readAt))
        {
            // The store has not committed for HeldStanzas.MaxWait: memory is not allowed to grow without end.
            CloseWithStreamError(StreamErrorCondition.InternalServerError);
        }
    }

    /// <summary>Session loop: a held stanza whose turn has come, as kept by <see cref="HeldStanzas"/>.</summary>
    internal void RouteReleased(ReadOnlySpan<byte> stanza, long readAt)
    {
        _releasedReadAt = readAt;
        if (t_releasing)
        {
            // Released from inside another release on this thread (a transport that runs posted work inline).
            using var nested = new XmlStreamTokenizer(ReleaseLimits);
            var opened = false;
            Reparse(nested, ref opened, stanza);
            return;
        }

        t_releasing = true;
        try
        {
            Reparse(t_releaseTokenizer ??= new XmlStreamTokenizer(ReleaseLimits), ref t_releaseOpened, stanza);
        }
        finally
        {
            t_releasing = false;
        }
    }

    // The kept bytes passed the stream's limits already (plus what the gate added): these limits only keep re-reading them from failing.
    private static readonly XmlStreamLimits ReleaseLimits = new() { MaxStanzaBytes = 64 << 20, MaxDepth = 1024, MaxAttributes = 1024, MaxNameBytes = 4096 };

    private void Reparse(XmlStreamTokenizer tokenizer, ref bool opened, ReadOnlySpan<byte> stanza)
    {
        var sink = new ReleaseSink(this);
        if (!opened)
        {
            tokenizer.Reset();
            tokenizer.Feed(ReleaseStreamOpen, ref sink, out _);
            opened = true;
        }

        if (tokenizer.Feed(stanza, ref sink, out _) != XmlStreamError.None || tokenizer.BufferedBytes != 0)
        {
            // Only bytes that relied on a prefix declared on the client's own stream header can fail here.
            opened = false;
            CoreLog.HeldStanzaUnreadable(_server.Logger, stanza.Length);
        }
    }

    private void HandleReleasedElement(in XmlElement element)
    {
        var name = element.LocalName;
        var kind = name.SequenceEqual(XmppNames.Message) ? StanzaKind.Message
            : name.SequenceEqual(XmppNames.Presence) ? StanzaKind.Presence
            : StanzaKind.Iq;
        if (_stage != StreamStage.Bound && kind != StanzaKind.Message)
        {
            return; // the session ended meanwhile: only messages still have somewhere to go
        }

        Span<byte> to = stackalloc byte[JidNormalizer.MaxJidBytes];
        var toLength = 0;
        JidParts toParts = default;
        if (element.To.IsPresent && !JidText.TryNormalize(element.ToValue, to, out toLength, out toParts))
        {
            return;
        }

        var toJid = to[..toLength];
        var interceptors = _server.Modules.Interceptors;
        for (var i = _server.Modules.InterceptorsBeforeGate; i < interceptors.Count; i++)
        {
            if (!interceptors[i].OnClientStanza(this, element, kind, toJid))
            {
                return;
            }
        }

        _server.Router.Route(this, element, kind, toJid, toParts);
        if (_releasedReadAt != 0)
        {
            _server.Metrics.RoutingDuration.Record(XmppMetrics.SecondsSince(_releasedReadAt));
        }
    }

    private readonly struct ReleaseSink(XmppSession session) : IXmlStreamSink
    {
        public bool OnStreamOpen(in StreamHeader header) => true;

        public bool OnElement(in XmlElement element)
        {
            session.HandleReleasedElement(element);
            return true;
        }

        public bool OnStreamClose() => true;
    }
}
