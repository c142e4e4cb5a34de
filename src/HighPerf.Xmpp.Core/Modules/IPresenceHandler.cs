using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Core.Modules;

/// <summary>
/// RFC 6121 presence logic (broadcast, probes, subscriptions). The router hands it every presence stanza a
/// client sends; `to` is the normalized 'to' (empty when absent) and
/// `toParts` its parts.
/// </summary>
public interface IPresenceHandler
{
    void HandleOutbound(XmppSession sender, in XmlElement element, PresenceType type, ReadOnlySpan<byte> to, in JidParts toParts);

    /// <summary>A presence stanza from another server (s2s): <paramref name="sender"/> is the remote entity's stand-in
    /// (<see cref="XmppSession.IsRemote"/>), <paramref name="to"/> a local JID.</summary>
    void HandleRemote(XmppSession sender, in XmlElement element, PresenceType type, ReadOnlySpan<byte> to, in JidParts toParts);
}
