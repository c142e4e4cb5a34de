namespace HighPerf.Xmpp.Xml.Reader;

/// <summary>Walks the direct child elements of an element, skipping text, CDATA, comments and
/// processing instructions. Each child inherits the parent's default namespace.</summary>
public ref struct ChildEnumerator
{
    private readonly ReadOnlySpan<byte> _root;
    private readonly ReadOnlySpan<byte> _defaultNamespace;
    private readonly int _limit;
    private int _pos;
    private int _currentStart;
    private int _currentEnd;

    internal ChildEnumerator(ReadOnlySpan<byte> root, int contentStart, int contentEnd, ReadOnlySpan<byte> defaultNamespace)
    {
        _root = root;
        _defaultNamespace = defaultNamespace;
        _pos = contentStart;
        _limit = contentEnd;
        _currentStart = -1;
    }

    public readonly XmlElementReader Current => _currentStart < 0
        ? default
        : new XmlElementReader(_root, _currentStart, _currentEnd, _defaultNamespace);

    public readonly ChildEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        var start = MarkupScanner.NextChild(_root, _pos, _limit);
        var end = start < 0 ? -1 : MarkupScanner.FindElementEnd(_root[.._limit], start);
        if (end < 0)
        {
            _pos = _limit;
            _currentStart = -1;
            return false;
        }

        _currentStart = start;
        _currentEnd = end;
        _pos = end;
        return true;
    }
}
