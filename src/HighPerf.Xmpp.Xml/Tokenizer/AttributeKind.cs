namespace HighPerf.Xmpp.Xml.Tokenizer;

/// <summary>What an attribute's name makes it, decided once while the name is scanned.</summary>
internal enum AttributeKind : byte
{
    /// <summary>Unprefixed: no namespace.</summary>
    Plain,

    /// <summary>xmlns='...'.</summary>
    DefaultDeclaration,

    /// <summary>xmlns:p='...'.</summary>
    PrefixDeclaration,

    /// <summary>xml:... (always bound, never needs a lookup).</summary>
    XmlPrefixed,

    /// <summary>Any other prefix: bound at the end of the start tag.</summary>
    Prefixed,
}
