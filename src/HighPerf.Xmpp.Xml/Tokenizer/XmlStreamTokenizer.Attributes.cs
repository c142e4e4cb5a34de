using HighPerf.Xmpp.Xml.Internal;

namespace HighPerf.Xmpp.Xml.Tokenizer;

/// <summary>Attributes of the start tag being parsed: name, '=', quoted value.</summary>
public sealed partial class XmlStreamTokenizer
{
    // Borrowed from a TokenizerScratch for the length of a Feed call (see XmlStreamTokenizer.Scratch.cs).
    private AttributeSlot[] _attributes = [];
    private int _attributeCount;
    private int _declarationCount;
    private int _prefixedCount;
    private byte _quote;

    /// <summary>A whole attribute by direct calls; each step leaves its own state behind if the data ends.
    /// On success the state is back to InTag.</summary>
    private ScanResult ScanAttribute(ReadOnlySpan<byte> data, ref int pos, ref ParseState state)
    {
        var result = ScanAttributeName(data, ref pos, ref state);
        if (result == ScanResult.Continue)
        {
            result = ScanAttributeEquals(data, ref pos, ref state);
        }

        if (result == ScanResult.Continue)
        {
            result = ScanAttributeQuote(data, ref pos, ref state);
        }

        return result == ScanResult.Continue ? ScanAttributeValue(data, ref pos, ref state) : result;
    }

    private ScanResult ScanAttributeName(ReadOnlySpan<byte> data, ref int pos, ref ParseState state)
    {
        if (_attributeCount >= _maxAttributes)
        {
            return FailScan(XmlStreamError.PolicyViolation);
        }

        var result = ScanQName(data, pos, out var length, out var prefixLength);
        if (result != ScanResult.Continue)
        {
            return result;
        }

        var next = data[pos + length];
        if (!(XmlChars.IsSpace(next) || next == (byte)'='))
        {
            return FailScan(XmlStreamError.NotWellFormed);
        }

        AddAttribute(data, _spaceStart, pos, length, prefixLength);
        _spaceStart = -1;
        pos += length;
        state = ParseState.AttributeEquals;
        return ScanResult.Continue;
    }

    /// <summary>
    /// The common attribute in one go: an ASCII name, '=' right after it, a quoted value free of references
    /// and non-ASCII bytes, all within the data. Anything else (or a limit) returns false without side
    /// effects, and the resumable states take it from the start.
    /// </summary>
    private bool TryScanPlainAttribute(ReadOnlySpan<byte> data, ref int pos, int spaceStart)
    {
        var start = pos;
        var i = start;
        if (i >= data.Length || !XmlChars.IsAsciiNameStart(data[i]))
        {
            return false;
        }

        var colon = -1;
        i++;
        while (true)
        {
            while (i < data.Length && XmlChars.IsAsciiName(data[i]))
            {
                i++;
            }

            if (colon < 0 && i + 1 < data.Length && data[i] == (byte)':' && XmlChars.IsAsciiNameStart(data[i + 1]))
            {
                colon = i;
                i += 2;
                continue;
            }

            break;
        }

        var length = i - start;
        if (i + 2 >= data.Length || data[i] != (byte)'=' || length > _maxNameBytes || _attributeCount >= _maxAttributes)
        {
            return false;
        }

        var quote = data[i + 1];
        var valueStart = i + 2;
        var value = quote == (byte)'\''
            ? data[valueStart..].IndexOfAnyExcept(XmlChars.PlainAposValue)
            : quote == (byte)'"' ? data[valueStart..].IndexOfAnyExcept(XmlChars.PlainQuotValue) : -1;
        if (value < 0 || data[valueStart + value] != quote)
        {
            return false;
        }

        ref var slot = ref AddAttribute(data, spaceStart, start, length, colon < 0 ? 0 : colon - start);
        slot.ValueStart = valueStart;
        slot.ValueLength = value;
        pos = valueStart + value + 1;
        return true;
    }

    /// <summary>Records an attribute's name, classified once here for the end of the start tag.</summary>
    private ref AttributeSlot AddAttribute(ReadOnlySpan<byte> data, int spaceStart, int nameStart, int length, int prefixLength)
    {
        if (_attributeCount == _attributes.Length)
        {
            Array.Resize(ref _attributes, _attributes.Length * 2);
        }

        var name = data.Slice(nameStart, length);
        var kind = Classify(name, prefixLength);
        if (kind is AttributeKind.DefaultDeclaration or AttributeKind.PrefixDeclaration)
        {
            _declarationCount++;
        }
        else if (kind == AttributeKind.Prefixed)
        {
            _prefixedCount++;
        }

        // Written in place: a temporary would be zeroed and copied per attribute.
        ref var slot = ref _attributes[_attributeCount++];
        slot.Start = spaceStart;
        slot.NameStart = nameStart;
        slot.NameLength = length;
        slot.PrefixLength = prefixLength;
        slot.NameHash = length | (name[0] << 16) | (name[^1] << 24);
        slot.Kind = kind;
        slot.Routing = _depth == 0 ? RoutingOf(name, prefixLength) : RoutingAttribute.None;
        slot.Namespace = default;
        return ref slot;
    }

    private static AttributeKind Classify(ReadOnlySpan<byte> name, int prefixLength) => prefixLength switch
    {
        0 => name.SequenceEqual(XmlConstants.Xmlns) ? AttributeKind.DefaultDeclaration : AttributeKind.Plain,
        3 when name.StartsWith(XmlConstants.Xml) => AttributeKind.XmlPrefixed,
        5 when name.StartsWith(XmlConstants.Xmlns) => AttributeKind.PrefixDeclaration,
        _ => AttributeKind.Prefixed,
    };

    /// <summary>Only unprefixed names count (p:to is another attribute entirely), plus xml:lang.</summary>
    private static RoutingAttribute RoutingOf(ReadOnlySpan<byte> name, int prefixLength)
    {
        if (prefixLength != 0)
        {
            return name.SequenceEqual("xml:lang"u8) ? RoutingAttribute.Lang : RoutingAttribute.None;
        }

        return name.Length switch
        {
            2 when name[0] == (byte)'t' && name[1] == (byte)'o' => RoutingAttribute.To,
            2 when name[0] == (byte)'i' && name[1] == (byte)'d' => RoutingAttribute.Id,
            4 when name.SequenceEqual("from"u8) => RoutingAttribute.From,
            4 when name.SequenceEqual("type"u8) => RoutingAttribute.Type,
            7 when name.SequenceEqual("version"u8) => RoutingAttribute.Version,
            _ => RoutingAttribute.None,
        };
    }

    private ScanResult ScanAttributeEquals(ReadOnlySpan<byte> data, ref int pos, ref ParseState state)
    {
        while (pos < data.Length)
        {
            var b = data[pos++];
            if (b == (byte)'=')
            {
                state = ParseState.AttributeQuote;
                return ScanResult.Continue;
            }

            if (!XmlChars.IsSpace(b))
            {
                return FailScan(XmlStreamError.NotWellFormed);
            }
        }

        return ScanResult.NeedMore;
    }

    private ScanResult ScanAttributeQuote(ReadOnlySpan<byte> data, ref int pos, ref ParseState state)
    {
        while (pos < data.Length)
        {
            var b = data[pos++];
            if (b is (byte)'\'' or (byte)'"')
            {
                _quote = b;
                _attributes[_attributeCount - 1].ValueStart = pos;
                state = ParseState.AttributeValue;
                return ScanResult.Continue;
            }

            if (!XmlChars.IsSpace(b))
            {
                return FailScan(XmlStreamError.NotWellFormed);
            }
        }

        return ScanResult.NeedMore;
    }

    /// <summary>Skips the value with a vectorized search, stopping only at the closing quote, a reference,
    /// non-ASCII (validated), or a byte that is illegal here ('&lt;', control characters).</summary>
    private ScanResult ScanAttributeValue(ReadOnlySpan<byte> data, ref int pos, ref ParseState state)
    {
        var quote = _quote;
        var plain = quote == (byte)'\'' ? XmlChars.PlainAposValue : XmlChars.PlainQuotValue;
        var at = pos;
        while (true)
        {
            var skipped = data[at..].IndexOfAnyExcept(plain);
            if (skipped < 0)
            {
                pos = data.Length;
                return ScanResult.NeedMore;
            }

            at += skipped;
            var b = data[at];
            if (b == quote)
            {
                ref var slot = ref _attributes[_attributeCount - 1];
                slot.ValueLength = at - slot.ValueStart;
                pos = at + 1;
                state = ParseState.InTag;
                return ScanResult.Continue;
            }

            pos = at;
            ScanResult result;
            if (b == (byte)'&')
            {
                result = ScanReference(data, ref pos);
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
}
