namespace HighPerf.Xmpp.Xml.Tokenizer;

/// <summary>
/// A unit is a run of bytes that must be seen contiguously to be reported: the bytes of one unit are
/// either a slice of the caller's input or, when it spans chunks, the tokenizer's pooled buffer.
/// Between units (whitespace at stream level) nothing is kept.
/// </summary>
internal enum UnitKind : byte
{
    /// <summary>Byte order mark and XML declaration; reports nothing.</summary>
    Declaration,

    /// <summary>The &lt;stream:stream&gt; start tag.</summary>
    Header,

    /// <summary>A top-level element; becomes <see cref="Close"/> when it turns out to be the root's end tag.</summary>
    Element,

    Close,
}
