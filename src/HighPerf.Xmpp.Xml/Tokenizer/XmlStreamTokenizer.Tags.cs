using HighPerf.Xmpp.Xml.Internal;

namespace HighPerf.Xmpp.Xml.Tokenizer;

/// <summary>Markup: what follows '&lt;', start tags up to their attributes, end tags.</summary>
public sealed partial class XmlStreamTokenizer
{
    // Borrowed from a TokenizerScratch for the length of a Feed call (see XmlStreamTokenizer.Scratch.cs).
    private ElementFrame[] _frames = [];

    /// <summary>Open elements in the unit (the top-level element is the first).</summary>
    private int _depth;

    /// <summary>Offset of the '&lt;' of the start tag being parsed; its name starts one byte later.</summary>
    private int _tagStart;
    private int _tagNameLength;
    private int _tagPrefixLength;

    /// <summary>Start of the whitespace run since the last token in a start tag, or -1: an attribute must
    /// follow whitespace, and its reported range begins with that whitespace.</summary>
    private int _spaceStart;

    private ScanResult ScanTagOpen(ReadOnlySpan<byte> data, ref int pos, ref ParseState state)
    {
        if (pos + 1 >= data.Length)
        {
            return ScanResult.NeedMore;
        }

        switch (data[pos + 1])
        {
            case (byte)'/':
                // At depth 0 only the stream root can be closed, and only between stanzas.
                if (_depth == 0 && (_unitKind != UnitKind.Element || Mode != XmlStreamMode.Stream))
                {
                    return FailScan(XmlStreamError.NotWellFormed);
                }

                pos += 2;
                state = ParseState.EndTagName;
                return ScanEndTagName(data, ref pos, ref state);
            case (byte)'!':
                state = ParseState.Bang;
                return ScanResult.Continue;
            case (byte)'?':
                // Processing instructions (and a late XML declaration) are restricted XML (RFC 6120 §11.1).
                return FailScan(XmlStreamError.RestrictedXml);
            default:
                _tagStart = pos;
                pos++;
                state = ParseState.StartTagName;
                return ScanStartTagName(data, ref pos, ref state);
        }
    }

    private ScanResult ScanStartTagName(ReadOnlySpan<byte> data, ref int pos, ref ParseState state)
    {
        if (_depth > _maxDepth)
        {
            return FailScan(XmlStreamError.PolicyViolation);
        }

        var result = ScanQName(data, pos, out var length, out var prefixLength);
        if (result != ScanResult.Continue)
        {
            return result;
        }

        var next = data[pos + length];
        if (!(XmlChars.IsSpace(next) || next == (byte)'>' || next == (byte)'/'))
        {
            return FailScan(XmlStreamError.NotWellFormed);
        }

        _tagNameLength = length;
        _tagPrefixLength = prefixLength;
        _attributeCount = 0;
        _declarationCount = 0;
        _prefixedCount = 0;
        _spaceStart = -1;
        pos += length;
        state = ParseState.InTag;
        return ScanInTag(data, ref pos, ref state);
    }

    /// <summary>Between attributes: whitespace, the next attribute, '&gt;' or "/&gt;".</summary>
    private ScanResult ScanInTag(ReadOnlySpan<byte> data, ref int pos, ref ParseState state)
    {
        // The position lives in a register here and goes back through the reference only at exits.
        var at = pos;
        var spaceStart = _spaceStart;
        while (at < data.Length)
        {
            var b = data[at];
            if (XmlChars.IsSpace(b))
            {
                if (spaceStart < 0)
                {
                    spaceStart = at;
                }

                at++;
                continue;
            }

            _spaceStart = spaceStart;
            pos = at;
            if (b == (byte)'>')
            {
                pos = at + 1;
                return CompleteStartTag(data, at + 1, ref state, isEmpty: false);
            }

            if (b == (byte)'/')
            {
                state = ParseState.EmptyTagClose;
                return ScanEmptyTagClose(data, ref pos, ref state);
            }

            if (spaceStart < 0)
            {
                return FailScan(XmlStreamError.NotWellFormed);
            }

            if (TryScanPlainAttribute(data, ref at, spaceStart))
            {
                spaceStart = -1;
                continue;
            }

            state = ParseState.AttributeName;
            var result = ScanAttribute(data, ref pos, ref state);
            if (result != ScanResult.Continue)
            {
                return result;
            }

            at = pos;
            spaceStart = -1;
        }

        _spaceStart = spaceStart;
        pos = at;
        return ScanResult.NeedMore;
    }

    private ScanResult ScanEmptyTagClose(ReadOnlySpan<byte> data, ref int pos, ref ParseState state)
    {
        if (pos + 1 >= data.Length)
        {
            return ScanResult.NeedMore;
        }

        if (data[pos + 1] != (byte)'>')
        {
            return FailScan(XmlStreamError.NotWellFormed);
        }

        pos += 2;
        return CompleteStartTag(data, pos, ref state, isEmpty: true);
    }

    private ScanResult ScanEndTagName(ReadOnlySpan<byte> data, ref int pos, ref ParseState state)
    {
        // Fast path: the end tag repeats the open element's name, which was validated at its start tag.
        if (_depth > 0)
        {
            ref readonly var open = ref _frames[_depth - 1];
            var end = pos + open.NameLength;
            if (end < data.Length
                && (data[end] == (byte)'>' || XmlChars.IsSpace(data[end]))
                && data.Slice(pos, open.NameLength).SequenceEqual(data.Slice(open.NameStart, open.NameLength)))
            {
                pos = end;
                state = ParseState.EndTagClose;
                return ScanEndTagClose(data, ref pos, ref state);
            }
        }

        var result = ScanQName(data, pos, out var length, out _);
        if (result != ScanResult.Continue)
        {
            return result;
        }

        var next = data[pos + length];
        if (!(XmlChars.IsSpace(next) || next == (byte)'>'))
        {
            return FailScan(XmlStreamError.NotWellFormed);
        }

        var name = data.Slice(pos, length);
        if (_depth == 0)
        {
            if (_stream is not { IsOpen: true } || !name.SequenceEqual(_stream.RootName))
            {
                return FailScan(XmlStreamError.NotWellFormed);
            }

            _unitKind = UnitKind.Close;
        }
        else
        {
            ref readonly var frame = ref _frames[_depth - 1];
            if (!name.SequenceEqual(data.Slice(frame.NameStart, frame.NameLength)))
            {
                return FailScan(XmlStreamError.NotWellFormed);
            }
        }

        pos += length;
        state = ParseState.EndTagClose;
        return ScanEndTagClose(data, ref pos, ref state);
    }

    private ScanResult ScanEndTagClose(ReadOnlySpan<byte> data, ref int pos, ref ParseState state)
    {
        while (pos < data.Length)
        {
            var b = data[pos];
            if (XmlChars.IsSpace(b))
            {
                pos++;
                continue;
            }

            if (b != (byte)'>')
            {
                return FailScan(XmlStreamError.NotWellFormed);
            }

            pos++;
            if (_unitKind == UnitKind.Close)
            {
                return ScanResult.Complete;
            }

            _depth--;
            _bindingCount = _frames[_depth].BindingMark;
            if (_depth == 0)
            {
                return ScanResult.Complete;
            }

            state = ParseState.Content;
            return ScanResult.Continue;
        }

        return ScanResult.NeedMore;
    }

    private void PushFrame(int bindingMark)
    {
        if (_depth == _frames.Length)
        {
            Array.Resize(ref _frames, _frames.Length * 2);
        }

        _frames[_depth++] = new ElementFrame
        {
            NameStart = _tagStart + 1,
            NameLength = _tagNameLength,
            BindingMark = bindingMark,
        };
    }
}
