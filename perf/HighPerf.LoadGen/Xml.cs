namespace HighPerf.LoadGen;

/// <summary>Allocation-free look-ups in one top-level element's bytes (name, attributes of the root tag, a child's text).</summary>
internal static class Xml
{
    private static readonly System.Buffers.SearchValues<byte> s_nameEnd = System.Buffers.SearchValues.Create(" \t\r\n/>"u8);

    /// <summary>Local name of the element's root (prefix dropped): "features" for &lt;stream:features&gt;.</summary>
    public static ReadOnlySpan<byte> LocalName(ReadOnlySpan<byte> element)
    {
        var end = element[1..].IndexOfAny(s_nameEnd);
        var name = end < 0 ? element[1..] : element.Slice(1, end);
        var colon = name.IndexOf((byte)':');
        return colon < 0 ? name : name[(colon + 1)..];
    }

    /// <summary>The raw (unescaped) value of an attribute of the root tag.</summary>
    public static bool TryGetAttribute(ReadOnlySpan<byte> element, ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        value = default;
        var tagEnd = element.IndexOf((byte)'>');
        var tag = tagEnd < 0 ? element : element[..tagEnd];
        var from = 0;
        while (true)
        {
            var i = tag[from..].IndexOf(name);
            if (i < 0)
            {
                return false;
            }

            var at = from + i;
            var after = at + name.Length;
            if (at > 0 && tag[at - 1] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r'
                && after + 1 < tag.Length && tag[after] == (byte)'=' && tag[after + 1] is (byte)'\'' or (byte)'"')
            {
                var quote = tag[after + 1];
                var rest = tag[(after + 2)..];
                var close = rest.IndexOf(quote);
                if (close < 0)
                {
                    return false;
                }

                value = rest[..close];
                return true;
            }

            from = after;
        }
    }

    /// <summary>Text of the first child opened by <paramref name="openPrefix"/> (e.g. "&lt;body"), without unescaping.</summary>
    public static bool TryGetChildText(ReadOnlySpan<byte> element, ReadOnlySpan<byte> openPrefix, ReadOnlySpan<byte> close, out ReadOnlySpan<byte> text)
    {
        text = default;
        var open = element.IndexOf(openPrefix);
        if (open < 0)
        {
            return false;
        }

        var gt = element[open..].IndexOf((byte)'>');
        if (gt < 0 || element[open + gt - 1] == (byte)'/')
        {
            return false;
        }

        var content = element[(open + gt + 1)..];
        var end = content.IndexOf(close);
        if (end < 0)
        {
            return false;
        }

        text = content[..end];
        return true;
    }

    public static bool Contains(ReadOnlySpan<byte> element, ReadOnlySpan<byte> token) => element.IndexOf(token) >= 0;
}
