using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Core.Modules;

/// <summary>
/// The answer to an iq that a module completes later, typically once a write is durable. Thread-safe: it
/// only queues bytes on the session. Allocates (an object and copies of the id and address): used on
/// configuration changes, not on the per-message path.
/// </summary>
public sealed class DeferredIqReply
{
    private readonly XmppSession _session;
    private readonly byte[] _rawId;
    private readonly byte[] _from;

    internal DeferredIqReply(XmppSession session, byte[] rawId, byte[] from)
    {
        _session = session;
        _rawId = rawId;
        _from = from;
    }

    public XmppSession Session => _session;

    /// <summary>A deferred reply to an iq a module received outside iq dispatch (a hosted domain's stanza),
    /// answered from <paramref name="from"/> (normalized, the iq's 'to').</summary>
    public static DeferredIqReply For(XmppSession session, in XmlElement request, ReadOnlySpan<byte> from)
        => new(session, request.IdValue.ToArray(), from.ToArray());

    public void ReplyResult(ReadOnlySpan<byte> payload = default)
    {
        using var writer = new PooledBufferWriter(256 + payload.Length);
        writer.Write("<iq type='result'"u8);
        EscapingWriter.WriteAttribute(writer, XmppNames.Id, _rawId);
        if (_from.Length > 0)
        {
            EscapingWriter.WriteEscapedAttribute(writer, XmppNames.From, _from);
        }

        if (_session.FullJid.Length > 0)
        {
            // Before authentication (in-band registration) the client has no address yet.
            EscapingWriter.WriteEscapedAttribute(writer, XmppNames.To, _session.FullJid);
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

        _session.Send(writer.WrittenSpan);
    }

    /// <summary>An error reply carrying <paramref name="error"/>, a complete &lt;error/&gt; element (for
    /// application-specific conditions, RFC 6120 §8.3.4).</summary>
    public void ReplyError(ReadOnlySpan<byte> error)
    {
        using var writer = new PooledBufferWriter(256 + error.Length);
        writer.Write("<iq type='error'"u8);
        EscapingWriter.WriteAttribute(writer, XmppNames.Id, _rawId);
        if (_from.Length > 0)
        {
            EscapingWriter.WriteEscapedAttribute(writer, XmppNames.From, _from);
        }

        EscapingWriter.WriteEscapedAttribute(writer, XmppNames.To, _session.FullJid);
        writer.Write(">"u8);
        writer.Write(error);
        writer.Write("</iq>"u8);
        _session.Send(writer.WrittenSpan);
    }

    public void ReplyError(StanzaErrorCondition condition)
    {
        using var writer = new PooledBufferWriter(256);
        StanzaErrorWriter.Write(writer, XmppNames.Iq, _rawId, true, _from, _session.FullJid, condition);
        _session.Send(writer.WrittenSpan);
    }
}
