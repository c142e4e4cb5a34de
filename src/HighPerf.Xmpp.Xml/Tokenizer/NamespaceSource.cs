namespace HighPerf.Xmpp.Xml.Tokenizer;

internal enum NamespaceSource : byte
{
    /// <summary>No namespace (unprefixed with no default in scope, or undeclared with xmlns='').</summary>
    None,

    /// <summary>A declaration in the current unit's bytes.</summary>
    Unit,

    /// <summary>A declaration kept from the stream header.</summary>
    Stream,

    /// <summary>The implicitly bound 'xml' prefix.</summary>
    Xml,
}
