using HighPerf.Xmpp.Core.Buffers;

namespace HighPerf.Xmpp.Core.Sessions;

/// <summary>
/// Sees everything queued for a session before it reaches the transport, while installed with
/// <see cref="XmppSession.SetOutboundFilter"/> (XEP-0352 client state indication holds and coalesces what an
/// inactive client need not get at once). Called from any thread; an implementation serializes itself and
/// forwards with <see cref="XmppSession.SendUnfiltered"/>, in order.
/// </summary>
public interface IOutboundFilter
{
    bool Send(XmppSession session, scoped in OutboundParts parts);
}
