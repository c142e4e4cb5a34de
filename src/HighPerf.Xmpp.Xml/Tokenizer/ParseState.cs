namespace HighPerf.Xmpp.Xml.Tokenizer;

/// <summary>
/// Where the unit parser resumes. Every state can be re-entered at the saved position: bounded tokens
/// (names, references, one UTF-8 scalar, markup openers) are rescanned from their first byte, while
/// unbounded ones (text, attribute values, CDATA, whitespace) advance the position as they go, so no
/// byte is rescanned more than a bounded number of times whatever the chunking.
/// </summary>
internal enum ParseState : byte
{
    /// <summary>Very start of the stream: optional byte order mark and XML declaration.</summary>
    Declaration,
    TagOpen,
    StartTagName,
    InTag,
    EmptyTagClose,
    AttributeName,
    AttributeEquals,
    AttributeQuote,
    AttributeValue,
    Content,
    Bang,
    CData,
    EndTagName,
    EndTagClose,
}
