namespace HighPerf.Xmpp.Xml.Tokenizer;

/// <summary>Limits enforced while tokenizing; exceeding any gives <see cref="XmlStreamError.PolicyViolation"/>.</summary>
public sealed record XmlStreamLimits
{
    public static readonly XmlStreamLimits Default = new();

    /// <summary>Largest top-level element (stanza) in bytes, and the most a partial one may buffer.</summary>
    public int MaxStanzaBytes { get; init; } = 256 * 1024;

    /// <summary>Deepest element nesting below the top-level element (the stanza itself is depth 0).</summary>
    public int MaxDepth { get; init; } = 32;

    /// <summary>Most attributes (namespace declarations included) on one element.</summary>
    public int MaxAttributes { get; init; } = 64;

    /// <summary>Largest stream header start tag (&lt;stream:stream ...&gt;) in bytes; also bounds the kept
    /// stream-level namespace information.</summary>
    public int MaxStreamHeaderBytes { get; init; } = 4096;

    /// <summary>Longest element or attribute name (prefix included) in bytes. A name is rescanned from its
    /// first byte when a chunk ends inside it, so this bounds that work too.</summary>
    public int MaxNameBytes { get; init; } = 256;
}
