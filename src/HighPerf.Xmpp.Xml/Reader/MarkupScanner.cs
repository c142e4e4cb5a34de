using HighPerf.Xmpp.Xml.Internal;

namespace HighPerf.Xmpp.Xml.Reader;

/// <summary>
/// Lenient structural scanning over bytes the tokenizer has already validated. It never throws and
/// never reads out of bounds: on bytes that are not well-formed it answers "not found" (-1 / false).
/// Every loop advances its position, so it always terminates.
/// </summary>
internal static class MarkupScanner
{
    /// <summary>Reads the start tag at s[start] ('&lt;' then a name). <paramref name="end"/> is just after '&gt;'.</summary>
    public static bool TryReadStartTag(ReadOnlySpan<byte> s, int start, out int nameLength, out int prefixLength, out int end, out bool isEmpty)
    {
        nameLength = prefixLength = end = 0;
        isEmpty = false;
        if ((uint)start >= (uint)s.Length || s[start] != (byte)'<')
        {
            return false;
        }

        var pos = start + 1;
        nameLength = NameLength(s, pos);
        if (nameLength == 0)
        {
            return false;
        }

        prefixLength = Math.Max(0, s.Slice(pos, nameLength).IndexOf((byte)':'));
        pos += nameLength;
        while (TryReadAttribute(s, ref pos, out _, out _, out _, out _))
        {
        }

        SkipSpace(s, ref pos);
        if (pos < s.Length && s[pos] == (byte)'>')
        {
            end = pos + 1;
            return true;
        }

        if (pos + 1 < s.Length && s[pos] == (byte)'/' && s[pos + 1] == (byte)'>')
        {
            end = pos + 2;
            isEmpty = true;
            return true;
        }

        return false;
    }

    /// <summary>Reads the next attribute of a start tag from <paramref name="pos"/> (just after the element
    /// name or the previous attribute). False at the end of the attributes.</summary>
    public static bool TryReadAttribute(ReadOnlySpan<byte> s, ref int pos, out int nameStart, out int nameLength, out int valueStart, out int valueLength)
    {
        nameStart = nameLength = valueStart = valueLength = 0;
        var at = pos;
        SkipSpace(s, ref at);
        var length = NameLength(s, at);
        if (length == 0)
        {
            return false;
        }

        var after = at + length;
        SkipSpace(s, ref after);
        if (after >= s.Length || s[after] != (byte)'=')
        {
            return false;
        }

        after++;
        SkipSpace(s, ref after);
        if (after >= s.Length || s[after] is not ((byte)'\'' or (byte)'"'))
        {
            return false;
        }

        var close = s[(after + 1)..].IndexOf(s[after]);
        if (close < 0)
        {
            return false;
        }

        nameStart = at;
        nameLength = length;
        valueStart = after + 1;
        valueLength = close;
        pos = valueStart + close + 1;
        return true;
    }

    /// <summary>End (exclusive) of the element starting at s[start], or -1.</summary>
    public static int FindElementEnd(ReadOnlySpan<byte> s, int start)
    {
        if (!TryReadStartTag(s, start, out _, out _, out var pos, out var isEmpty))
        {
            return -1;
        }

        if (isEmpty)
        {
            return pos;
        }

        var depth = 1;
        while (true)
        {
            var next = NextMarkup(s, pos, s.Length, out var kind);
            if (next < 0)
            {
                return -1;
            }

            if (kind == MarkupKind.StartTag)
            {
                if (!TryReadStartTag(s, next, out _, out _, out pos, out isEmpty))
                {
                    return -1;
                }

                if (!isEmpty)
                {
                    depth++;
                }

                continue;
            }

            // An end tag: one level up.
            var close = s[next..].IndexOf((byte)'>');
            if (close < 0)
            {
                return -1;
            }

            pos = next + close + 1;
            if (--depth == 0)
            {
                return pos;
            }
        }
    }

    /// <summary>Start of the next child element in [pos, limit), skipping text, CDATA, comments and
    /// processing instructions; -1 at the parent's end tag or the limit.</summary>
    public static int NextChild(ReadOnlySpan<byte> s, int pos, int limit)
    {
        var next = NextMarkup(s, pos, limit, out var kind);
        return kind == MarkupKind.StartTag ? next : -1;
    }

    /// <summary>Finds the next start or end tag in [pos, limit), skipping over CDATA sections, comments and
    /// processing instructions (which may contain '&lt;').</summary>
    public static int NextMarkup(ReadOnlySpan<byte> s, int pos, int limit, out MarkupKind kind)
    {
        kind = MarkupKind.None;
        limit = Math.Min(limit, s.Length);
        while (pos >= 0 && pos < limit)
        {
            // The '<' must lie before the limit; the byte after it may be anywhere in s.
            var lt = s[pos..limit].IndexOf((byte)'<');
            if (lt < 0 || pos + lt + 1 >= s.Length)
            {
                return -1;
            }

            pos += lt;
            switch (s[pos + 1])
            {
                case (byte)'/':
                    kind = MarkupKind.EndTag;
                    return pos;
                case (byte)'!':
                    pos = SkipPast(s, pos, limit, s[pos..].StartsWith(XmlConstants.CDataOpen) ? "]]>"u8 : s[pos..].StartsWith("<!--"u8) ? "-->"u8 : ">"u8);
                    break;
                case (byte)'?':
                    pos = SkipPast(s, pos, limit, "?>"u8);
                    break;
                default:
                    kind = MarkupKind.StartTag;
                    return pos;
            }
        }

        return -1;
    }

    /// <summary>Position after <paramref name="terminator"/> searched from pos + 2, or -1.</summary>
    public static int SkipPast(ReadOnlySpan<byte> s, int pos, int limit, ReadOnlySpan<byte> terminator)
    {
        var from = pos + 2;
        if (from > limit)
        {
            return -1;
        }

        var found = s[from..limit].IndexOf(terminator);
        return found < 0 ? -1 : from + found + terminator.Length;
    }

    private static int NameLength(ReadOnlySpan<byte> s, int pos)
    {
        if ((uint)pos >= (uint)s.Length)
        {
            return 0;
        }

        var end = s[pos..].IndexOfAny(NameTerminators);
        return end < 0 ? 0 : end;
    }

    private static void SkipSpace(ReadOnlySpan<byte> s, ref int pos)
    {
        while (pos < s.Length && XmlChars.IsSpace(s[pos]))
        {
            pos++;
        }
    }

    private static readonly System.Buffers.SearchValues<byte> NameTerminators = System.Buffers.SearchValues.Create(" \t\r\n/>='\"<"u8);
}
