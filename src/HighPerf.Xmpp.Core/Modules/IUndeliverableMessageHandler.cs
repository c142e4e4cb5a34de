using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Core.Modules;

/// <summary>
/// Takes a chat/normal message for an existing local user with no available resource (RFC 6121 §8.5.2.2.1),
/// e.g. to store it offline (XEP-0160). Returns false when it cannot take it (the router then bounces it
/// with service-unavailable).
/// </summary>
public interface IUndeliverableMessageHandler
{
    bool TakeMessage(XmppSession sender, in XmlElement element, ReadOnlySpan<byte> recipientBareJid);

    /// <summary>
    /// Takes a chat/normal message that was delivered to a session which then ended without acknowledging it
    /// (XEP-0198): <paramref name="element"/> already carries its original sender's 'from'. False when it cannot
    /// (the caller bounces it).
    /// </summary>
    bool TakeUnacknowledged(in XmlElement element, ReadOnlySpan<byte> recipientBareJid) => false;
}
