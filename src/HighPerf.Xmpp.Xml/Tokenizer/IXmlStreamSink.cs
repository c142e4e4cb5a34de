namespace HighPerf.Xmpp.Xml.Tokenizer;

/// <summary>
/// Receives tokenizer events. Implemented by a struct so that the generic tokenizer calls it directly
/// (no interface dispatch, no boxing): see Kestrel's HttpParser&lt;TRequestHandler&gt;.
/// Each method returns true to keep tokenizing the current input, or false to stop right after the
/// event (the tokenizer then reports how many bytes it consumed, e.g. so that bytes after
/// &lt;starttls/&gt; go to the TLS layer).
/// </summary>
public interface IXmlStreamSink
{
    bool OnStreamOpen(in StreamHeader header);

    bool OnElement(in XmlElement element);

    bool OnStreamClose();
}
