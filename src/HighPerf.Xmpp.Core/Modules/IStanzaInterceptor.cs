using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Core.Modules;

/// <summary>
/// Sees every stanza a bound client sends before it is routed (blocking, carbons, archives…). Return false
/// when the interceptor consumed it (and answered it if needed).
/// </summary>
public interface IStanzaInterceptor
{
    bool OnClientStanza(XmppSession sender, in XmlElement element, StanzaKind kind, ReadOnlySpan<byte> to);
}
