namespace HighPerf.Xmpp.Xml.Tokenizer;

/// <summary>
/// A complete top-level element of the stream (a stanza or a negotiation element), reported without a DOM.
/// The spans are valid only during the sink callback that receives it.
/// </summary>
public readonly ref struct XmlElement
{
    public XmlElement(
        ReadOnlySpan<byte> raw,
        ReadOnlySpan<byte> localName,
        ReadOnlySpan<byte> namespaceName,
        int nameEnd,
        int startTagEnd,
        bool isEmpty,
        AttributeRange to,
        AttributeRange from,
        AttributeRange type,
        AttributeRange id,
        AttributeRange lang)
    {
        Raw = raw;
        LocalName = localName;
        Namespace = namespaceName;
        NameEnd = nameEnd;
        StartTagEnd = startTagEnd;
        IsEmpty = isEmpty;
        To = to;
        From = from;
        Type = type;
        Id = id;
        Lang = lang;
    }

    /// <summary>Exact bytes from '&lt;' through the end tag (or "/&gt;").</summary>
    public ReadOnlySpan<byte> Raw { get; }

    public ReadOnlySpan<byte> LocalName { get; }

    /// <summary>Resolved namespace (inherited from the stream's default namespace when not declared).</summary>
    public ReadOnlySpan<byte> Namespace { get; }

    /// <summary>Offset just after the element's qualified name in the start tag: where an attribute can be inserted.</summary>
    public int NameEnd { get; }

    /// <summary>Offset just after the start tag's '&gt;' (for an empty element, equals Raw.Length).</summary>
    public int StartTagEnd { get; }

    /// <summary>True for a self-closing element (&lt;x/&gt;).</summary>
    public bool IsEmpty { get; }

    public AttributeRange To { get; }
    public AttributeRange From { get; }
    public AttributeRange Type { get; }
    public AttributeRange Id { get; }

    /// <summary>The xml:lang attribute.</summary>
    public AttributeRange Lang { get; }

    public ReadOnlySpan<byte> ToValue => To.Value(Raw);
    public ReadOnlySpan<byte> FromValue => From.Value(Raw);
    public ReadOnlySpan<byte> TypeValue => Type.Value(Raw);
    public ReadOnlySpan<byte> IdValue => Id.Value(Raw);
    public ReadOnlySpan<byte> LangValue => Lang.Value(Raw);
}
