using HighPerf.Xmpp.Xml.Internal;

namespace HighPerf.Xmpp.Xml.Tokenizer;

/// <summary>
/// The end of a start tag: namespace declarations, prefix binding, duplicate attributes (Namespaces in
/// XML 1.0), then the element is pushed, or reported when it is the unit's whole top-level element.
/// </summary>
public sealed partial class XmlStreamTokenizer
{
    /// <summary>In-scope declarations made inside the unit, innermost last. Borrowed from a TokenizerScratch for
    /// the length of a Feed call (see XmlStreamTokenizer.Scratch.cs).</summary>
    private NamespaceBinding[] _bindings = [];
    private int _bindingCount;

    private ScanResult CompleteStartTag(ReadOnlySpan<byte> data, int pos, ref ParseState state, bool isEmpty)
    {
        var mark = _bindingCount;
        if (_declarationCount > 0)
        {
            var result = DeclareNamespaces(data);
            if (result != ScanResult.Continue)
            {
                return result;
            }
        }

        var elementNamespace = default(NamespaceRef);
        if (_tagPrefixLength > 0)
        {
            var prefix = data.Slice(_tagStart + 1, _tagPrefixLength);
            if (prefix.SequenceEqual(XmlConstants.Xmlns) || !TryResolvePrefix(data, prefix, out elementNamespace))
            {
                return FailScan(XmlStreamError.NotWellFormed);
            }
        }
        else if (_depth == 0)
        {
            elementNamespace = ResolveDefault(data);
        }

        if ((_prefixedCount > 0 && !ResolvePrefixedAttributes(data)) || (_attributeCount > 1 && HasDuplicateAttribute(data)))
        {
            return FailScan(XmlStreamError.NotWellFormed);
        }

        if (_depth == 0)
        {
            CaptureTopLevel(elementNamespace, pos, isEmpty);
            if (_unitKind == UnitKind.Header)
            {
                return CheckHeader(data, elementNamespace, isEmpty);
            }
        }

        if (isEmpty)
        {
            _bindingCount = mark;
            if (_depth == 0)
            {
                return ScanResult.Complete;
            }
        }
        else
        {
            PushFrame(mark);
        }

        state = ParseState.Content;
        return ScanResult.Continue;
    }

    /// <summary>Pushes the xmlns and xmlns:p attributes of the tag, enforcing the reserved-prefix rules.</summary>
    private ScanResult DeclareNamespaces(ReadOnlySpan<byte> data)
    {
        for (var i = 0; i < _attributeCount; i++)
        {
            ref readonly var attribute = ref _attributes[i];
            if (attribute.Kind is not (AttributeKind.DefaultDeclaration or AttributeKind.PrefixDeclaration))
            {
                continue;
            }

            var uri = data.Slice(attribute.ValueStart, attribute.ValueLength);
            var reservedUri = uri.SequenceEqual(XmlConstants.XmlNamespace) || uri.SequenceEqual(XmlConstants.XmlnsNamespace);
            if (attribute.Kind == AttributeKind.DefaultDeclaration)
            {
                if (reservedUri)
                {
                    return FailScan(XmlStreamError.NotWellFormed);
                }

                PushBinding(attribute.NameStart, 0, attribute.ValueStart, attribute.ValueLength);
                continue;
            }

            var prefix = data.Slice(attribute.NameStart + attribute.PrefixLength + 1, attribute.NameLength - attribute.PrefixLength - 1);
            if (prefix.SequenceEqual(XmlConstants.Xml))
            {
                // May be declared, but only to its own namespace; it is always bound anyway.
                if (!uri.SequenceEqual(XmlConstants.XmlNamespace))
                {
                    return FailScan(XmlStreamError.NotWellFormed);
                }

                continue;
            }

            // xmlns:xmlns is forbidden; an empty URI would undeclare a prefix, which only XML 1.1 allows.
            if (prefix.SequenceEqual(XmlConstants.Xmlns) || uri.IsEmpty || reservedUri)
            {
                return FailScan(XmlStreamError.NotWellFormed);
            }

            PushBinding(attribute.NameStart + attribute.PrefixLength + 1, prefix.Length, attribute.ValueStart, attribute.ValueLength);
        }

        return ScanResult.Continue;
    }

    private void PushBinding(int prefixStart, int prefixLength, int uriStart, int uriLength)
    {
        if (_bindingCount == _bindings.Length)
        {
            Array.Resize(ref _bindings, _bindings.Length * 2);
        }

        _bindings[_bindingCount++] = new NamespaceBinding
        {
            PrefixStart = prefixStart,
            PrefixLength = prefixLength,
            UriStart = uriStart,
            UriLength = uriLength,
        };
    }

    /// <summary>Binds the prefixes of attributes other than xml:* and xmlns:*; false when one is unbound.</summary>
    private bool ResolvePrefixedAttributes(ReadOnlySpan<byte> data)
    {
        for (var i = 0; i < _attributeCount; i++)
        {
            ref var attribute = ref _attributes[i];
            if (attribute.Kind == AttributeKind.Prefixed
                && !TryResolvePrefix(data, data.Slice(attribute.NameStart, attribute.PrefixLength), out attribute.Namespace))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The same qualified name twice, or two prefixed names with the same local name whose prefixes
    /// are bound to the same namespace (Namespaces in XML 1.0 §6.3). Equal names have equal hashes, so
    /// distinct attributes rarely cost more than an integer compare.</summary>
    private bool HasDuplicateAttribute(ReadOnlySpan<byte> data)
    {
        for (var i = 1; i < _attributeCount; i++)
        {
            ref readonly var attribute = ref _attributes[i];
            for (var j = 0; j < i; j++)
            {
                ref readonly var other = ref _attributes[j];
                if (other.NameHash == attribute.NameHash
                    && data.Slice(attribute.NameStart, attribute.NameLength).SequenceEqual(data.Slice(other.NameStart, other.NameLength)))
                {
                    return true;
                }
            }
        }

        return _prefixedCount > 1 && HasDuplicateExpandedName(data);
    }

    private bool HasDuplicateExpandedName(ReadOnlySpan<byte> data)
    {
        for (var i = 1; i < _attributeCount; i++)
        {
            ref readonly var attribute = ref _attributes[i];
            if (attribute.Kind != AttributeKind.Prefixed)
            {
                continue;
            }

            var localName = data.Slice(attribute.NameStart + attribute.PrefixLength + 1, attribute.NameLength - attribute.PrefixLength - 1);
            for (var j = 0; j < i; j++)
            {
                ref readonly var other = ref _attributes[j];
                if (other.Kind == AttributeKind.Prefixed
                    && localName.SequenceEqual(data.Slice(other.NameStart + other.PrefixLength + 1, other.NameLength - other.PrefixLength - 1))
                    && NamespaceSpan(attribute.Namespace, data).SequenceEqual(NamespaceSpan(other.Namespace, data)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private bool TryResolvePrefix(ReadOnlySpan<byte> data, ReadOnlySpan<byte> prefix, out NamespaceRef ns)
    {
        // 'xml' cannot be rebound (see DeclareNamespaces), so it needs no lookup.
        if (prefix.SequenceEqual(XmlConstants.Xml))
        {
            ns = new NamespaceRef(NamespaceSource.Xml, 0, 0);
            return true;
        }

        for (var i = _bindingCount - 1; i >= 0; i--)
        {
            ref readonly var binding = ref _bindings[i];
            if (binding.PrefixLength == prefix.Length && data.Slice(binding.PrefixStart, binding.PrefixLength).SequenceEqual(prefix))
            {
                ns = new NamespaceRef(NamespaceSource.Unit, binding.UriStart, binding.UriLength);
                return true;
            }
        }

        ns = default;
        return _unitKind == UnitKind.Element && _stream is { IsOpen: true } && _stream.TryResolve(prefix, out ns);
    }

    private NamespaceRef ResolveDefault(ReadOnlySpan<byte> data)
    {
        for (var i = _bindingCount - 1; i >= 0; i--)
        {
            ref readonly var binding = ref _bindings[i];
            if (binding.PrefixLength == 0)
            {
                return binding.UriLength == 0 ? default : new NamespaceRef(NamespaceSource.Unit, binding.UriStart, binding.UriLength);
            }
        }

        return _unitKind == UnitKind.Element && _stream is { IsOpen: true } ? _stream.Default : default;
    }
}
