namespace HighPerf.Xmpp.Xml.Tokenizer;

public enum XmlStreamMode : byte
{
    /// <summary>RFC 6120 TCP stream: one root &lt;stream:stream&gt; whose children are reported.</summary>
    Stream,

    /// <summary>RFC 7395 WebSocket / XEP-0206 style: a sequence of complete top-level elements, each reported
    /// (the &lt;open/&gt; and &lt;close/&gt; framing elements too, as ordinary elements).</summary>
    Framed,
}
