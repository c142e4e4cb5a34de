using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Core.Modules;

/// <summary>
/// A service a module hosts on a domain of its own (a MUC service on conference.example.org, an upload
/// component…). The router hands it every client stanza whose 'to' domain is that domain, instead of treating
/// the domain as remote. Called on the sender's event loop with spans valid only during the call; the sender's
/// full JID is <see cref="XmppSession.FullJid"/>. The handler answers or bounces the stanza itself.
/// </summary>
public interface IHostedDomainHandler
{
    /// <param name="to">The normalized 'to' (never empty: its domain is the hosted one).</param>
    void HandleStanza(XmppSession sender, in XmlElement element, StanzaKind kind, ReadOnlySpan<byte> to, in JidParts toParts);
}
