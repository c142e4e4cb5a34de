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
}
