namespace HighPerf.Xmpp.Xml.Tokenizer;

/// <summary>One open element inside the unit: its qualified name (to match the end tag) and the
/// namespace bindings to pop when it closes. Offsets are unit-relative.</summary>
internal struct ElementFrame
{
    public int NameStart;
    public int NameLength;
    public int BindingMark;
}
