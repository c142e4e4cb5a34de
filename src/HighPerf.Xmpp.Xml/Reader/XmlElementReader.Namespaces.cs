using HighPerf.Xmpp.Xml.Internal;

namespace HighPerf.Xmpp.Xml.Reader;

public readonly ref partial struct XmlElementReader
{
    /// <summary>The namespace bound to <paramref name="prefix"/> here: on this element, 'xml', or on an
    /// ancestor within the root bytes. Empty when unbound.</summary>
    public ReadOnlySpan<byte> ResolvePrefix(ReadOnlySpan<byte> prefix)
    {
        if (!_isValid)
        {
            return default;
        }

        if (prefix.SequenceEqual(XmlConstants.Xml))
        {
            return XmlConstants.XmlNamespace;
        }

        if (TryFindDeclaration(_root, _start, prefix, out var uri))
        {
            return uri;
        }

        return TryFindInAncestors(_root, _start, prefix, out uri) ? uri : default;
    }

    /// <summary>Looks for xmlns (empty prefix) or xmlns:prefix on the start tag at <paramref name="tagStart"/>.</summary>
    private static bool TryFindDeclaration(ReadOnlySpan<byte> root, int tagStart, ReadOnlySpan<byte> prefix, out ReadOnlySpan<byte> uri)
    {
        if (MarkupScanner.TryReadStartTag(root, tagStart, out var nameLength, out _, out var tagEnd, out _))
        {
            foreach (var attribute in new AttributeEnumerator(root[tagStart..tagEnd], 1 + nameLength))
            {
                var declares = prefix.IsEmpty
                    ? attribute.Prefix.IsEmpty && attribute.LocalName.SequenceEqual(XmlConstants.Xmlns)
                    : attribute.Prefix.SequenceEqual(XmlConstants.Xmlns) && attribute.LocalName.SequenceEqual(prefix);
                if (declares)
                {
                    uri = attribute.RawValue;
                    return true;
                }
            }
        }

        uri = default;
        return false;
    }

    /// <summary>Walks down from the root to the element at <paramref name="target"/>, keeping the innermost
    /// declaration of <paramref name="prefix"/> on the way (the target's own tag excluded).</summary>
    private static bool TryFindInAncestors(ReadOnlySpan<byte> root, int target, ReadOnlySpan<byte> prefix, out ReadOnlySpan<byte> uri)
    {
        uri = default;
        var found = false;
        var pos = 0;
        while (pos < target)
        {
            if (!MarkupScanner.TryReadStartTag(root, pos, out _, out _, out var tagEnd, out var isEmpty) || isEmpty)
            {
                break;
            }

            if (TryFindDeclaration(root, pos, prefix, out var declared))
            {
                uri = declared;
                found = true;
            }

            var next = -1;
            var child = MarkupScanner.NextChild(root, tagEnd, target + 1);
            while (child >= 0)
            {
                var childEnd = MarkupScanner.FindElementEnd(root, child);
                if (childEnd < 0)
                {
                    break;
                }

                if (target < childEnd)
                {
                    next = child;
                    break;
                }

                child = MarkupScanner.NextChild(root, childEnd, target + 1);
            }

            if (next <= pos)
            {
                break;
            }

            pos = next;
        }

        return found;
    }
}
