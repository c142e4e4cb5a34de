namespace HighPerf.Xmpp.Xml.Tokenizer;

internal enum StreamPhase : byte
{
    /// <summary>Nothing read yet: a byte order mark or XML declaration may come.</summary>
    Start,

    /// <summary>Stream mode only: whitespace, then the stream header.</summary>
    BeforeRoot,

    /// <summary>Between top-level elements: whitespace (keepalives), an element, or the root's end tag.</summary>
    InStream,

    /// <summary>After &lt;/stream:stream&gt;: only whitespace.</summary>
    Closed,
}
