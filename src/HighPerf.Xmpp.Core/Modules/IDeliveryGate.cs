using System.Buffers;
using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Storage.Abstractions;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Core.Modules;

/// <summary>
/// Holds stanzas back until something they depend on is durable (XEP-0313: a message is in the archive before
/// anyone receives it). Sees every stanza a bound client sends, in order, after the interceptors registered before
/// it (blocking) and before the ones registered after it (carbons…). When it returns a position, the stanza it
/// wrote into <c>routed</c> (e.g. the message with a &lt;stanza-id/&gt; added) continues, through the remaining
/// interceptors and the router, once <see cref="IsDurable"/> holds for that position; every later stanza of the
/// same session waits behind it, so the session's order is kept. Runs on the sender's loop for every stanza:
/// return 0 at once, allocation-free, for what it does not hold.
/// </summary>
public interface IDeliveryGate
{
    /// <returns>0 to let the stanza through unchanged; else a position to wait for, the stanza to route then having
    /// been written into <paramref name="routed"/>.</returns>
    long Admit(XmppSession sender, in XmlElement element, StanzaKind kind, ReadOnlySpan<byte> to, in JidParts toParts, IBufferWriter<byte> routed);

    bool IsDurable(long position);

    /// <summary>As <see cref="IArchiveStore.NotifyWhenDurable"/>.</summary>
    bool NotifyWhenDurable(long position, IDurabilityListener listener);
}
