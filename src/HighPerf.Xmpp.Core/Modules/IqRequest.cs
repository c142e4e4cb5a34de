using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Reader;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Core.Modules;

/// <summary>
/// A server-handled iq get/set, valid only during <see cref="IIqHandler.HandleIq"/>. Reply with one of the
/// Reply methods, or take a <see cref="DeferredIqReply"/> to answer later (after a durable write).
/// </summary>
public ref struct IqRequest
{
    private readonly XmlElement _element;

    internal IqRequest(XmppSession session, in XmlElement element, IqType type, ReadOnlySpan<byte> to, IqTarget target, XmlElementReader payload)
    {
        Session = session;
        _element = element;
        Type = type;
        To = to;
        Target = target;
        Payload = payload;
    }

    public XmppSession Session { get; }

    public readonly XmppServer Server => Session.Server;

    public IqType Type { get; }

    /// <summary>Normalized 'to' (empty when the iq had none).</summary>
    public ReadOnlySpan<byte> To { get; }

    public IqTarget Target { get; }

    /// <summary>The iq's child element (the payload the handler was chosen by).</summary>
    public XmlElementReader Payload { get; }

    /// <summary>The raw 'id' value.</summary>
    public readonly ReadOnlySpan<byte> Id => _element.IdValue;

    /// <summary>The whole iq as received.</summary>
    public readonly ReadOnlySpan<byte> Raw => _element.Raw;

    /// <summary>The account the iq concerns: the 'to' bare JID, or the sender's own when the iq had no 'to'.</summary>
    public readonly ReadOnlySpan<byte> Account => Target == IqTarget.Server ? default : (To.IsEmpty ? Session.BareJid : To);

    public bool Answered { get; private set; }

    /// <summary>An empty result.</summary>
    public void ReplyResult()
    {
        Answered = true;
        Session.SendIqResult(_element, default, To);
    }

    /// <summary>A result carrying <paramref name="payload"/> (complete XML).</summary>
    public void ReplyResult(ReadOnlySpan<byte> payload)
    {
        Answered = true;
        Session.SendIqResult(_element, payload, To);
    }

    public void ReplyError(StanzaErrorCondition condition)
    {
        Answered = true;
        Session.SendError(_element, condition, To);
    }

    /// <summary>Takes the reply for later (thread-safe to complete from any thread).</summary>
    public DeferredIqReply Defer()
    {
        Answered = true;
        return new DeferredIqReply(Session, _element.IdValue.ToArray(), To.ToArray());
    }
}
