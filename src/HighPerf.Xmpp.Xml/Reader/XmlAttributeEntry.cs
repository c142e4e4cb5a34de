namespace HighPerf.Xmpp.Xml.Reader;

/// <summary>One attribute of an element read by <see cref="XmlElementReader"/>. The value is raw: use
/// <see cref="XmlEscaping.TryUnescape"/> to decode references.</summary>
public readonly ref struct XmlAttributeEntry
{
    public XmlAttributeEntry(ReadOnlySpan<byte> qualifiedName, int prefixLength, ReadOnlySpan<byte> rawValue)
    {
        QualifiedName = qualifiedName;
        Prefix = prefixLength > 0 ? qualifiedName[..prefixLength] : default;
        LocalName = prefixLength > 0 ? qualifiedName[(prefixLength + 1)..] : qualifiedName;
        RawValue = rawValue;
    }

    public ReadOnlySpan<byte> QualifiedName { get; }

    /// <summary>Empty when unprefixed.</summary>
    public ReadOnlySpan<byte> Prefix { get; }

    public ReadOnlySpan<byte> LocalName { get; }

    public ReadOnlySpan<byte> RawValue { get; }

    /// <summary>True for xmlns and xmlns:p (namespace declarations, not attributes in the XML Infoset sense).</summary>
    public bool IsNamespaceDeclaration => Prefix.SequenceEqual("xmlns"u8) || (Prefix.IsEmpty && LocalName.SequenceEqual("xmlns"u8));
}
