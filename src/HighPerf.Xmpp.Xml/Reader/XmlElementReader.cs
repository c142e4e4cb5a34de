namespace HighPerf.Xmpp.Xml.Reader;

/// <summary>
/// Reads one complete element (a stanza, or a child of one) without allocating: names, namespaces,
/// attributes, children and text are all spans into the element's bytes.
/// </summary>
/// <remarks>
/// The bytes are assumed well-formed (the tokenizer checked them), but nothing here throws or reads out
/// of bounds on bad input: lookups fail and spans come back empty instead (see <see cref="IsValid"/>).
/// A child reader keeps the outermost element's bytes, so a prefix declared on any ancestor inside them
/// resolves (by rescanning the ancestors' start tags: reading is for the few stanzas the server itself
/// handles, so that is cheaper than carrying a scope table in every reader).
/// </remarks>
public readonly ref partial struct XmlElementReader
{
    private readonly ReadOnlySpan<byte> _root;
    private readonly ReadOnlySpan<byte> _namespace;
    private readonly ReadOnlySpan<byte> _defaultNamespace;
    private readonly int _start;
    private readonly int _end;
    private readonly int _nameLength;
    private readonly int _prefixLength;
    private readonly int _startTagEnd;
    private readonly int _contentEnd;
    private readonly bool _isEmpty;
    private readonly bool _isValid;

    internal XmlElementReader(ReadOnlySpan<byte> root, int start, int end, ReadOnlySpan<byte> outerDefaultNamespace)
    {
        if (!MarkupScanner.TryReadStartTag(root, start, out _nameLength, out _prefixLength, out _startTagEnd, out _isEmpty)
            || _startTagEnd > end || end > root.Length)
        {
            this = default;
            return;
        }

        _root = root;
        _start = start;
        _end = end;
        _isValid = true;

        // Content ends where the end tag starts: the last '<' of the element (an end tag holds no '<').
        _contentEnd = _isEmpty ? _startTagEnd : Math.Max(_startTagEnd, start + root[start..end].LastIndexOf((byte)'<'));
        _defaultNamespace = TryFindDeclaration(root, start, default, out var own) ? own : outerDefaultNamespace;
        _namespace = _prefixLength == 0 ? _defaultNamespace : ResolvePrefix(QualifiedName[.._prefixLength]);
    }

    /// <param name="element">The exact bytes of one complete element (for example XmlElement.Raw); bytes
    /// after its end are ignored.</param>
    /// <param name="inheritedNamespace">The default namespace in scope around it (for example "jabber:client"u8).</param>
    public static XmlElementReader Create(ReadOnlySpan<byte> element, ReadOnlySpan<byte> inheritedNamespace)
    {
        var end = MarkupScanner.FindElementEnd(element, 0);
        return end < 0 ? default : new XmlElementReader(element, 0, end, inheritedNamespace);
    }

    /// <summary>False when the bytes did not start with a readable element; everything else is then empty.</summary>
    public bool IsValid => _isValid;

    public ReadOnlySpan<byte> Raw => _root[_start.._end];

    public ReadOnlySpan<byte> QualifiedName => _isValid ? _root.Slice(_start + 1, _nameLength) : default;

    /// <summary>Empty when unprefixed.</summary>
    public ReadOnlySpan<byte> Prefix => _prefixLength == 0 ? default : _root.Slice(_start + 1, _prefixLength);

    public ReadOnlySpan<byte> LocalName => _prefixLength == 0 ? QualifiedName : QualifiedName[(_prefixLength + 1)..];

    /// <summary>The resolved namespace name (raw bytes of the declaration's value); empty for none or an unbound prefix.</summary>
    public ReadOnlySpan<byte> Namespace => _namespace;

    /// <summary>Bytes between the start tag and the end tag; empty for &lt;x/&gt;.</summary>
    public ReadOnlySpan<byte> InnerRaw => _root[_startTagEnd.._contentEnd];

    public bool IsEmpty => _isEmpty;

    /// <summary>True when the element has this local name and namespace.</summary>
    public bool Is(ReadOnlySpan<byte> localName, ReadOnlySpan<byte> namespaceName) =>
        _isValid && LocalName.SequenceEqual(localName) && _namespace.SequenceEqual(namespaceName);

    /// <summary>The raw value of the unprefixed attribute <paramref name="localName"/>.</summary>
    public bool TryGetAttribute(ReadOnlySpan<byte> localName, out ReadOnlySpan<byte> rawValue)
    {
        foreach (var attribute in GetAttributes())
        {
            if (attribute.Prefix.IsEmpty && attribute.LocalName.SequenceEqual(localName) && !attribute.IsNamespaceDeclaration)
            {
                rawValue = attribute.RawValue;
                return true;
            }
        }

        rawValue = default;
        return false;
    }

    /// <summary>The raw value of the attribute with this local name in this namespace (for example "lang"u8 in
    /// the XML namespace for xml:lang). An empty namespace means an unprefixed attribute.</summary>
    public bool TryGetAttribute(ReadOnlySpan<byte> localName, ReadOnlySpan<byte> namespaceName, out ReadOnlySpan<byte> rawValue)
    {
        if (namespaceName.IsEmpty)
        {
            return TryGetAttribute(localName, out rawValue);
        }

        foreach (var attribute in GetAttributes())
        {
            if (!attribute.Prefix.IsEmpty && !attribute.IsNamespaceDeclaration && attribute.LocalName.SequenceEqual(localName)
                && ResolvePrefix(attribute.Prefix).SequenceEqual(namespaceName))
            {
                rawValue = attribute.RawValue;
                return true;
            }
        }

        rawValue = default;
        return false;
    }

    public AttributeEnumerator GetAttributes() =>
        _isValid ? new AttributeEnumerator(_root[_start.._startTagEnd], 1 + _nameLength) : default;

    public ChildEnumerator GetChildren() => new(_root, _startTagEnd, _contentEnd, _defaultNamespace);

    public bool TryGetChild(ReadOnlySpan<byte> localName, ReadOnlySpan<byte> namespaceName, out XmlElementReader child)
    {
        foreach (var candidate in GetChildren())
        {
            if (candidate.Is(localName, namespaceName))
            {
                child = candidate;
                return true;
            }
        }

        child = default;
        return false;
    }

    public bool TryGetFirstChild(out XmlElementReader child)
    {
        var children = GetChildren();
        child = children.MoveNext() ? children.Current : default;
        return child._isValid;
    }
}
