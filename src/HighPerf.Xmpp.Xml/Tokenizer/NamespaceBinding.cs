namespace HighPerf.Xmpp.Xml.Tokenizer;

/// <summary>A prefix (empty for the default namespace) bound to a URI; offsets into the unit or the
/// kept stream-header bytes. The URI is compared in its raw form (references undecoded).</summary>
internal struct NamespaceBinding
{
    public int PrefixStart;
    public int PrefixLength;
    public int UriStart;
    public int UriLength;
}
