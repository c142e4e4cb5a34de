namespace HighPerf.Xmpp.Xml.Tokenizer;

/// <summary>A resolved namespace name without copying it: which bytes hold it, and where.</summary>
internal struct NamespaceRef
{
    public NamespaceSource Source;
    public int Start;
    public int Length;

    public NamespaceRef(NamespaceSource source, int start, int length)
    {
        Source = source;
        Start = start;
        Length = length;
    }
}
