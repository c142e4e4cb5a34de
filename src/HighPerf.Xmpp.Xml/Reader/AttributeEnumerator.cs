namespace HighPerf.Xmpp.Xml.Reader;

/// <summary>Walks the attributes of a start tag in document order, namespace declarations included
/// (flagged by <see cref="XmlAttributeEntry.IsNamespaceDeclaration"/>).</summary>
public ref struct AttributeEnumerator
{
    private readonly ReadOnlySpan<byte> _tag;
    private int _pos;
    private int _nameStart;
    private int _nameLength;
    private int _valueStart;
    private int _valueLength;

    internal AttributeEnumerator(ReadOnlySpan<byte> tag, int afterName)
    {
        _tag = tag;
        _pos = afterName;
    }

    public readonly XmlAttributeEntry Current
    {
        get
        {
            var name = _tag.Slice(_nameStart, _nameLength);
            return new XmlAttributeEntry(name, Math.Max(0, name.IndexOf((byte)':')), _tag.Slice(_valueStart, _valueLength));
        }
    }

    public readonly AttributeEnumerator GetEnumerator() => this;

    public bool MoveNext() => MarkupScanner.TryReadAttribute(_tag, ref _pos, out _nameStart, out _nameLength, out _valueStart, out _valueLength);
}
