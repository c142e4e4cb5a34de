using HighPerf.Xmpp.Xml.Internal;

namespace HighPerf.Xmpp.Xml.Reader;

public readonly ref partial struct XmlElementReader
{
    /// <summary>Upper bound of the decoded length of the direct text (text and CDATA, not the children's):
    /// the raw length, since decoding never grows.</summary>
    public int GetTextLength()
    {
        var total = 0;
        var pos = _startTagEnd;
        while (NextTextSegment(ref pos, out var start, out var length, out _))
        {
            total += length;
        }

        return total;
    }

    /// <summary>
    /// Writes the direct text of this element (text and CDATA sections, not the children's) decoded:
    /// references resolved and line ends normalized to LF. False when <paramref name="destination"/> is too
    /// small (<see cref="GetTextLength"/> is always enough) or the text is not well-formed.
    /// </summary>
    public bool TryGetText(Span<byte> destination, out int written)
    {
        written = 0;
        var pos = _startTagEnd;
        while (NextTextSegment(ref pos, out var start, out var length, out var isCData))
        {
            var segment = _root.Slice(start, length);
            int segmentWritten;
            if (isCData)
            {
                // CDATA holds '&' literally: only line ends are normalized.
                segmentWritten = CopyNormalizingNewlines(segment, destination[written..]);
            }
            else if (!XmlEscaping.TryDecode(segment, destination[written..], normalizeNewlines: true, out segmentWritten))
            {
                return false;
            }

            if (segmentWritten < 0)
            {
                return false;
            }

            written += segmentWritten;
        }

        return true;
    }

    /// <summary>Next run of direct text or CDATA content in [pos, content end), skipping child elements,
    /// comments and processing instructions.</summary>
    private bool NextTextSegment(ref int pos, out int start, out int length, out bool isCData)
    {
        start = length = 0;
        isCData = false;
        while (pos >= 0 && pos < _contentEnd)
        {
            var lt = _root[pos.._contentEnd].IndexOf((byte)'<');
            if (lt != 0)
            {
                start = pos;
                length = lt < 0 ? _contentEnd - pos : lt;
                pos += length;
                return true;
            }

            var rest = _root[pos.._contentEnd];
            if (rest.StartsWith(XmlConstants.CDataOpen))
            {
                var close = rest.IndexOf("]]>"u8);
                if (close < 0)
                {
                    return false;
                }

                start = pos + XmlConstants.CDataOpen.Length;
                length = close - XmlConstants.CDataOpen.Length;
                isCData = true;
                pos += close + 3;
                return true;
            }

            pos = rest.Length > 1 && rest[1] is (byte)'!' or (byte)'?'
                ? MarkupScanner.SkipPast(_root, pos, _contentEnd, rest[1] == (byte)'?' ? "?>"u8 : rest.StartsWith("<!--"u8) ? "-->"u8 : ">"u8)
                : MarkupScanner.FindElementEnd(_root[.._contentEnd], pos);
        }

        return false;
    }

    /// <summary>Copies CDATA content with CR LF and lone CR read as LF; -1 when it does not fit.</summary>
    private static int CopyNormalizingNewlines(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        var written = 0;
        for (var i = 0; i < source.Length; i++)
        {
            if (written == destination.Length)
            {
                return -1;
            }

            var b = source[i];
            if (b == (byte)'\r')
            {
                b = (byte)'\n';
                if (i + 1 < source.Length && source[i + 1] == (byte)'\n')
                {
                    i++;
                }
            }

            destination[written++] = b;
        }

        return written;
    }
}
