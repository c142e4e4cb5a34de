using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Reader;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Modules.Carbons;

/// <summary>
/// XEP-0280 §6: which messages are copied. Chat messages (including MUC private messages, which are type
/// chat with an x muc#user child), errors, and normal messages with a body or an IM payload (receipts, chat
/// states, chat markers) are; groupchat and headline are not, nor a message marked &lt;private/&gt; (XEP-0280 §7)
/// or &lt;no-copy/&gt; (XEP-0334), nor one that already carries a carbon (no copies of copies).
/// One pass over the message's children; allocation-free.
/// </summary>
internal static class CarbonEligibility
{
    public static ReadOnlySpan<byte> Namespace => "urn:xmpp:carbons:2"u8;

    public static bool IsEligible(in XmlElement element, MessageType type)
    {
        if (type is MessageType.Groupchat or MessageType.Headline)
        {
            return false;
        }

        var hasBody = false;
        var hasImPayload = false;
        var reader = XmlElementReader.Create(element.Raw, XmppNames.NsClient);
        foreach (var child in reader.GetChildren())
        {
            var ns = child.Namespace;
            if (ns.SequenceEqual(Namespace))
            {
                return false; // <private/>, or a <sent/>/<received/> a client tries to pass on
            }

            if (ns.SequenceEqual("urn:xmpp:hints"u8) && child.LocalName.SequenceEqual("no-copy"u8))
            {
                return false;
            }

            if (ns.SequenceEqual(XmppNames.NsClient))
            {
                hasBody |= child.LocalName.SequenceEqual("body"u8);
            }
            else if (ns.SequenceEqual("urn:xmpp:receipts"u8) || ns.SequenceEqual("http://jabber.org/protocol/chatstates"u8)
                || ns.SequenceEqual("urn:xmpp:chat-markers:0"u8))
            {
                hasImPayload = true;
            }
        }

        return type is MessageType.Chat or MessageType.Error || hasBody || hasImPayload;
    }
}
