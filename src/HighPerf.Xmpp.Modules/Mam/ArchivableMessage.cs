using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Reader;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Modules.Mam;

/// <summary>
/// XEP-0313 §5.1.1 and XEP-0334: what goes into an archive. A chat or normal message with a body (or an OMEMO
/// payload, which clients send with or without a fallback body), or one marked &lt;store/&gt;; never one marked
/// &lt;no-store/&gt; or &lt;no-permanent-store/&gt;, nor errors, headlines or groupchat (a room archives its own). One
/// pass over the children; allocation-free.
/// </summary>
internal static class ArchivableMessage
{
    public static bool IsArchivable(in XmlElement element, MessageType type)
    {
        if (type is not (MessageType.Chat or MessageType.Normal) || element.IsEmpty)
        {
            return false;
        }

        var content = false;
        var store = false;
        var reader = XmlElementReader.Create(element.Raw, XmppNames.NsClient);
        foreach (var child in reader.GetChildren())
        {
            var ns = child.Namespace;
            if (ns.SequenceEqual(MamNames.Hints))
            {
                var name = child.LocalName;
                if (name.SequenceEqual("no-store"u8) || name.SequenceEqual("no-permanent-store"u8))
                {
                    return false;
                }

                store |= name.SequenceEqual("store"u8);
            }
            else if (ns.SequenceEqual(XmppNames.NsClient))
            {
                content |= child.LocalName.SequenceEqual("body"u8);
            }
            else if (ns.SequenceEqual(MamNames.OmemoLegacy) || ns.SequenceEqual(MamNames.Omemo2))
            {
                content |= child.LocalName.SequenceEqual("encrypted"u8);
            }
        }

        return content || store;
    }
}
