using HighPerf.Xmpp.Xml.Internal;

namespace HighPerf.Xmpp.Xml.Tokenizer;

public sealed partial class XmlStreamTokenizer
{
    /// <summary>
    /// Scans a QName (NCName, or NCName ':' NCName) at data[pos]. On <see cref="ScanResult.Continue"/> the byte
    /// after the name exists (the caller checks that it may follow a name). A name cut by the end of the
    /// data is rescanned from its start later, hence <see cref="XmlStreamLimits.MaxNameBytes"/>.
    /// </summary>
    private ScanResult ScanQName(ReadOnlySpan<byte> data, int pos, out int length, out int prefixLength)
    {
        // Fast path for the usual case: ASCII parts, at most one colon, an ASCII terminator in the data.
        var i = pos;
        var colon = -1;
        if (i < data.Length && XmlChars.IsAsciiNameStart(data[i]))
        {
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

            if (i < data.Length && data[i] < 0x80 && data[i] != (byte)':' && i - pos <= _maxNameBytes)
            {
                length = i - pos;
                prefixLength = colon < 0 ? 0 : colon - pos;
                return ScanResult.Continue;
            }
        }

        return ScanQNameSlow(data, pos, out length, out prefixLength);
    }

    /// <summary>Any name: non-ASCII characters, a cut at the end of the data, errors and limits.</summary>
    private ScanResult ScanQNameSlow(ReadOnlySpan<byte> data, int pos, out int length, out int prefixLength)
    {
        length = 0;
        prefixLength = 0;
        var max = _maxNameBytes;
        var i = pos;
        var colon = -1;
        var atPartStart = true;
        while (true)
        {
            if (i >= data.Length)
            {
                return i - pos > max ? FailScan(XmlStreamError.PolicyViolation) : ScanResult.NeedMore;
            }

            var b = data[i];
            if (b < 0x80)
            {
                if (atPartStart ? XmlChars.IsAsciiNameStart(b) : XmlChars.IsAsciiName(b))
                {
                    i++;
                    atPartStart = false;
                }
                else if (b == (byte)':' && !atPartStart && colon < 0)
                {
                    colon = i;
                    i++;
                    atPartStart = true;
                }
                else
                {
                    break;
                }
            }
            else
            {
                var scalarLength = XmlChars.ValidateNonAscii(data[i..], out var scalar);
                if (scalarLength == 0)
                {
                    return i - pos > max ? FailScan(XmlStreamError.PolicyViolation) : ScanResult.NeedMore;
                }

                if (scalarLength < 0 || !(atPartStart ? XmlChars.IsNameStartChar(scalar) : XmlChars.IsNameChar(scalar)))
                {
                    return FailScan(XmlStreamError.NotWellFormed);
                }

                i += scalarLength;
                atPartStart = false;
            }

            if (i - pos > max)
            {
                return FailScan(XmlStreamError.PolicyViolation);
            }
        }

        // Empty name, leading or trailing colon, or a second colon.
        if (atPartStart || data[i] == (byte)':')
        {
            return FailScan(XmlStreamError.NotWellFormed);
        }

        length = i - pos;
        prefixLength = colon < 0 ? 0 : colon - pos;
        return ScanResult.Continue;
    }
}
