using HighPerf.Xmpp.Xml.Internal;

namespace HighPerf.Xmpp.Xml.Tokenizer;

/// <summary>Attributes of the start tag being parsed: name, '=', quoted value.</summary>
public sealed partial class XmlStreamTokenizer
{
    private AttributeSlot[] _attributes = new AttributeSlot[8];
    private int _attributeCount;
    private byte _quote;

    private ScanResult ScanAttributeName(ReadOnlySpan<byte> data, ref int pos, ref ParseState state)
    {
        if (_attributeCount >= Limits.MaxAttributes)
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

        if (_attributeCount == _attributes.Length)
        {
            Array.Resize(ref _attributes, _attributes.Length * 2);
        }

        _attributes[_attributeCount++] = new AttributeSlot
        {
            Start = _spaceStart,
            NameStart = pos,
            NameLength = length,
            PrefixLength = prefixLength,
        };
        _spaceStart = -1;
        pos += length;
        state = ParseState.AttributeEquals;
        return ScanResult.Continue;
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
        var plain = _quote == (byte)'\'' ? XmlChars.PlainAposValue : XmlChars.PlainQuotValue;
        while (true)
        {
            var skipped = data[pos..].IndexOfAnyExcept(plain);
            if (skipped < 0)
            {
                pos = data.Length;
                return ScanResult.NeedMore;
            }

            pos += skipped;
            var b = data[pos];
            ScanResult result;
            if (b == _quote)
            {
                ref var slot = ref _attributes[_attributeCount - 1];
                slot.ValueLength = pos - slot.ValueStart;
                pos++;
                state = ParseState.InTag;
                return ScanResult.Continue;
            }

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
        }
    }
}
