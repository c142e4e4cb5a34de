namespace HighPerf.Xmpp.Xml.Tokenizer;

/// <summary>One attribute of the start tag being parsed. Offsets are unit-relative.</summary>
internal struct AttributeSlot
{
    /// <summary>First byte of the whitespace before the name.</summary>
    public int Start;
    public int NameStart;
    public int NameLength;

    /// <summary>Length of the prefix before ':'; 0 when unprefixed.</summary>
    public int PrefixLength;
    public int ValueStart;
    public int ValueLength;

    /// <summary>Equal names give equal hashes, so most duplicate checks are one integer compare.</summary>
    public int NameHash;

    public AttributeKind Kind;

    /// <summary>Set on the unit's top-level element only.</summary>
    public RoutingAttribute Routing;

    /// <summary>Resolved namespace of a <see cref="AttributeKind.Prefixed"/> attribute.</summary>
    public NamespaceRef Namespace;

    public readonly int End => ValueStart + ValueLength + 1;
}
