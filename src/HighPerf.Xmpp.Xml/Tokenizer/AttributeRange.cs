namespace HighPerf.Xmpp.Xml.Tokenizer;

/// <summary>
/// Where one attribute of a top-level element sits in the element's raw bytes. Offsets are relative to
/// <see cref="XmlElement.Raw"/>. The value is raw (entity references undecoded).
/// </summary>
public readonly struct AttributeRange
{
    public static readonly AttributeRange Absent = new(-1, 0, -1, -1);

    public AttributeRange(int valueStart, int valueLength, int attributeStart, int attributeEnd)
    {
        ValueStart = valueStart;
        ValueLength = valueLength;
        AttributeStart = attributeStart;
        AttributeEnd = attributeEnd;
    }

    /// <summary>Offset of the first byte of the value (after the opening quote); -1 when absent.</summary>
    public int ValueStart { get; }

    public int ValueLength { get; }

    /// <summary>Offset of the whitespace before the attribute name, so that removing
    /// [AttributeStart, AttributeEnd) leaves a well-formed start tag.</summary>
    public int AttributeStart { get; }

    /// <summary>Offset just after the closing quote.</summary>
    public int AttributeEnd { get; }

    public bool IsPresent => ValueStart >= 0;

    public ReadOnlySpan<byte> Value(ReadOnlySpan<byte> raw) => IsPresent ? raw.Slice(ValueStart, ValueLength) : default;
}
