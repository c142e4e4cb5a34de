using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Core.Modules;

/// <summary>
/// Handles top-level stream elements that are not stanzas (e.g. &lt;compress/&gt;, XEP-0198 &lt;enable/&gt;,
/// XEP-0352 &lt;active/&gt;), keyed by namespace. Return false to stop processing the current input after
/// this element (a stream restart such as compression).
/// </summary>
public interface IStreamElementHandler
{
    bool HandleElement(XmppSession session, in XmlElement element);
}
