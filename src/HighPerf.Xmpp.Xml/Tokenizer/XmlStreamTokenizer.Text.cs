using HighPerf.Xmpp.Xml.Internal;

namespace HighPerf.Xmpp.Xml.Tokenizer;

/// <summary>Character data inside elements: text, references, CDATA sections, UTF-8 validation.</summary>
public sealed partial class XmlStreamTokenizer
{
    /// <summary>Text between tags. Tags found here are parsed by direct calls and the loop goes on while
    /// the state comes back to Content, so a stanza's elements cost no trip through the dispatcher.</summary>
    private ScanResult ScanContent(ReadOnlySpan<byte> data, ref int pos, ref ParseState state)
    {
        var at = pos;
        while (true)
        {
            // Between adjacent tags there is no text: skip the search.
            if (at >= data.Length || data[at] != (byte)'<')
            {
                var skipped = data[at..].IndexOfAnyExcept(XmlChars.PlainText);
                if (skipped < 0)
                {
                    pos = data.Length;
                    return ScanResult.NeedMore;
                }

                at += skipped;
            }

            var b = data[at];
            pos = at;
            ScanResult result;
            if (b == (byte)'<')
            {
                state = ParseState.TagOpen;
                result = ScanTagOpen(data, ref pos, ref state);
                if (result != ScanResult.Continue || state != ParseState.Content)
                {
                    return result;
                }
            }
            else if (b == (byte)'&')
            {
                result = ScanReference(data, ref pos);
            }
            else if (b == (byte)'>')
            {
                // "]]>" may not appear in text. The two bytes before are in this unit: text never starts a unit.
                if (data[at - 1] == (byte)']' && data[at - 2] == (byte)']')
                {
                    return FailScan(XmlStreamError.NotWellFormed);
                }

                pos = at + 1;
                result = ScanResult.Continue;
            }
            else if (b >= 0x80)
            {
                result = ScanNonAscii(data, ref pos);
            }
            else
            {
                return FailScan(XmlStreamError.NotWellFormed);
            }

            if (result != ScanResult.Continue)
            {
                return result;
            }

            at = pos;
        }
    }

    /// <summary>At "&lt;!": a CDATA section inside an element; anything else (comment, DOCTYPE, ENTITY) is
    /// restricted XML, refused before any of it is interpreted (so no entity is ever expanded).</summary>
    private ScanResult ScanBang(ReadOnlySpan<byte> data, ref int pos, ref ParseState state)
    {
        if (pos + 2 >= data.Length)
        {
            return ScanResult.NeedMore;
        }

        if (data[pos + 2] != (byte)'[')
        {
            return FailScan(XmlStreamError.RestrictedXml);
        }

        var opener = XmlConstants.CDataOpen;
        var available = Math.Min(data.Length - pos, opener.Length);
        if (!data.Slice(pos, available).SequenceEqual(opener[..available]))
        {
            return FailScan(XmlStreamError.NotWellFormed);
        }

        if (available < opener.Length)
        {
            return ScanResult.NeedMore;
        }

        if (_depth == 0)
        {
            // Character data outside the root is not XML; at stream level it is not a valid stream.
            return FailScan(_unitKind == UnitKind.Header ? XmlStreamError.NotWellFormed : XmlStreamError.BadFormat);
        }

        pos += opener.Length;
        state = ParseState.CData;
        return ScanResult.Continue;
    }

    private ScanResult ScanCData(ReadOnlySpan<byte> data, ref int pos, ref ParseState state)
    {
        while (true)
        {
            var skipped = data[pos..].IndexOfAnyExcept(XmlChars.PlainCData);
            if (skipped < 0)
            {
                pos = data.Length;
                return ScanResult.NeedMore;
            }

            pos += skipped;
            var b = data[pos];
            if (b == (byte)'>')
            {
                pos++;

                // The opener "<![CDATA[" precedes the content, so pos - 3 is in the unit and a ']' there is content.
                if (data[pos - 2] == (byte)']' && data[pos - 3] == (byte)']')
                {
                    state = ParseState.Content;
                    return ScanResult.Continue;
                }

                continue;
            }

            if (b < 0x80)
            {
                return FailScan(XmlStreamError.NotWellFormed);
            }

            var result = ScanNonAscii(data, ref pos);
            if (result != ScanResult.Continue)
            {
                return result;
            }
        }
    }

    /// <summary>At '&amp;': one of the five predefined entities or a character reference naming a legal
    /// character. Other entity references are restricted XML; a cut reference is rescanned later.</summary>
    private ScanResult ScanReference(ReadOnlySpan<byte> data, ref int pos)
    {
        switch (XmlReferences.Parse(data[pos..], out _, out var length))
        {
            case ReferenceStatus.Ok:
                pos += length;
                return ScanResult.Continue;
            case ReferenceStatus.NeedMore:
                return ScanResult.NeedMore;
            case ReferenceStatus.UnknownEntity:
                return FailScan(XmlStreamError.RestrictedXml);
            default:
                return FailScan(XmlStreamError.NotWellFormed);
        }
    }

    /// <summary>Validates a run of non-ASCII scalars (well-formed UTF-8, legal XML characters). A scalar cut
    /// by the end of the data is rescanned from its lead byte later.</summary>
    private ScanResult ScanNonAscii(ReadOnlySpan<byte> data, ref int pos)
    {
        while (pos < data.Length && data[pos] >= 0x80)
        {
            var length = XmlChars.ValidateNonAscii(data[pos..], out _);
            if (length <= 0)
            {
                return length == 0 ? ScanResult.NeedMore : FailScan(XmlStreamError.NotWellFormed);
            }

            pos += length;
        }

        return ScanResult.Continue;
    }
}
