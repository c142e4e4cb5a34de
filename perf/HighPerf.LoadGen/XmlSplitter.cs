namespace HighPerf.LoadGen;

/// <summary>
/// Finds the top-level elements of an XMPP stream in a byte buffer, incrementally: enough XML to cut the stream
/// into stream header / stanza / stream end (tags with quoted attributes, nesting, self-closing tags, comments,
/// processing instructions and CDATA skipped). Not a validating parser: the servers under test are trusted.
/// </summary>
internal struct XmlSplitter
{
    private int _depth;
    private int _elementStart;

    public enum Unit : byte
    {
        /// <summary>More bytes are needed.</summary>
        None,
        StreamHeader,
        Element,
        StreamEnd,
    }

    /// <summary>Back to "expect a stream header" (after STARTTLS or SASL success).</summary>
    public void Reset()
    {
        _depth = 0;
        _elementStart = -1;
    }

    /// <summary>The earliest buffer offset still needed (for compaction).</summary>
    public readonly int Pinned(int scan) => _depth >= 2 && _elementStart >= 0 ? Math.Min(_elementStart, scan) : scan;

    /// <summary>Shifts remembered offsets after the buffer's content moved left by <paramref name="by"/>.</summary>
    public void Shift(int by)
    {
        if (_elementStart >= 0)
        {
            _elementStart -= by;
        }
    }

    /// <summary>
    /// Scans from <paramref name="scan"/>; returns the next complete unit and its [start, end) in <paramref name="data"/>,
    /// advancing <paramref name="scan"/> past it. Returns <see cref="Unit.None"/> when the data ends first.
    /// </summary>
    public Unit Next(ReadOnlySpan<byte> data, ref int scan, out int start, out int end)
    {
        start = end = 0;
        while (true)
        {
            var lt = data[scan..].IndexOf((byte)'<');
            if (lt < 0)
            {
                scan = data.Length;
                return Unit.None;
            }

            var at = scan + lt;
            if (at + 1 >= data.Length)
            {
                scan = at;
                return Unit.None;
            }

            var next = data[at + 1];
            int close;
            if (next == (byte)'?')
            {
                close = Find(data, at, "?>"u8);
                if (close < 0) { scan = at; return Unit.None; }
                scan = close + 2;
                continue;
            }

            if (next == (byte)'!')
            {
                var cdata = data.Length - at >= 3 && data[at + 2] == (byte)'[';
                close = Find(data, at, cdata ? "]]>"u8 : "-->"u8);
                if (close < 0) { scan = at; return Unit.None; }
                scan = close + 3;
                continue;
            }

            close = TagEnd(data, at);
            if (close < 0)
            {
                scan = at;
                return Unit.None;
            }

            scan = close + 1;
            if (next == (byte)'/')
            {
                _depth--;
                if (_depth == 1)
                {
                    start = _elementStart;
                    end = scan;
                    _elementStart = -1;
                    return Unit.Element;
                }

                if (_depth <= 0)
                {
                    return Unit.StreamEnd;
                }

                continue;
            }

            var selfClosing = data[close - 1] == (byte)'/';
            if (_depth == 0)
            {
                _depth = 1;
                start = at;
                end = scan;
                return Unit.StreamHeader;
            }

            if (_depth == 1)
            {
                if (selfClosing)
                {
                    start = at;
                    end = scan;
                    return Unit.Element;
                }

                _elementStart = at;
            }

            if (!selfClosing)
            {
                _depth++;
            }
        }
    }

    private static int Find(ReadOnlySpan<byte> data, int from, ReadOnlySpan<byte> token)
    {
        var i = data[from..].IndexOf(token);
        return i < 0 ? -1 : from + i;
    }

    /// <summary>Offset of the '&gt;' closing the tag at <paramref name="lt"/>, skipping quoted values; -1 if not here yet.</summary>
    private static int TagEnd(ReadOnlySpan<byte> data, int lt)
    {
        byte quote = 0;
        for (var i = lt + 1; i < data.Length; i++)
        {
            var c = data[i];
            if (quote != 0)
            {
                if (c == quote) quote = 0;
            }
            else if (c is (byte)'\'' or (byte)'"')
            {
                quote = c;
            }
            else if (c == (byte)'>')
            {
                return i;
            }
        }

        return -1;
    }
}
