namespace HighPerf.Xmpp.Xml.Tokenizer;

/// <summary>
/// Why the tokenizer stopped; each value maps to the RFC 6120 §4.9.3 stream error the server sends.
/// </summary>
public enum XmlStreamError : byte
{
    None = 0,
    /// <summary>Not well-formed XML (bad syntax, mismatched tags, bad UTF-8, bad references).</summary>
    NotWellFormed,
    /// <summary>Comments, processing instructions, DTDs or entity declarations (RFC 6120 §11.1).</summary>
    RestrictedXml,
    /// <summary>The stream element is not in the streams namespace or the default namespace is not one we speak.</summary>
    InvalidNamespace,
    /// <summary>Well-formed but not a valid XMPP stream (e.g. a stanza before the stream header).</summary>
    BadFormat,
    /// <summary>A configured limit was exceeded (stanza size, depth, attribute count).</summary>
    PolicyViolation,
    /// <summary>An XML declaration names an encoding other than UTF-8.</summary>
    UnsupportedEncoding,
}
