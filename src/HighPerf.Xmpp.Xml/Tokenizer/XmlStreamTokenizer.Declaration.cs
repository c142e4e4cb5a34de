using HighPerf.Xmpp.Xml.Internal;

namespace HighPerf.Xmpp.Xml.Tokenizer;

/// <summary>The very start of a stream: byte order mark and XML declaration (RFC 6120 §11.6: UTF-8 only).</summary>
public sealed partial class XmlStreamTokenizer
{
    /// <summary>
    /// Rescanned from the start of the unit on every call: the unit is at most <see cref="MaxDeclarationBytes"/>.
    /// Completes at the first byte after the declaration, or where the declaration would have started
    /// when there is none (an empty unit is fine: the stream phase moves on).
    /// </summary>
    private ScanResult ScanDeclaration(ReadOnlySpan<byte> data, ref int pos)
    {
        if (data.IsEmpty)
        {
            return ScanResult.NeedMore;
        }

        // 00 / FE / FF never start UTF-8 text: UTF-16 or UTF-32, with or without a byte order mark.
        if (data[0] is 0x00 or 0xFE or 0xFF)
        {
            return FailScan(XmlStreamError.UnsupportedEncoding);
        }

        var start = 0;
        if (data[0] == 0xEF)
        {
            ReadOnlySpan<byte> bom = [0xEF, 0xBB, 0xBF];
            var available = Math.Min(data.Length, bom.Length);
            if (!data[..available].SequenceEqual(bom[..available]))
            {
                return FailScan(XmlStreamError.NotWellFormed);
            }

            if (available < bom.Length)
            {
                return ScanResult.NeedMore;
            }

            start = bom.Length;
        }

        var rest = data[start..];
        if (rest.IsEmpty)
        {
            return ScanResult.NeedMore;
        }

        if (rest.Length >= 2 && rest[0] == (byte)'<' && rest[1] == 0x00)
        {
            return FailScan(XmlStreamError.UnsupportedEncoding);
        }

        var opener = XmlConstants.XmlDeclarationOpen;
        var compared = Math.Min(rest.Length, opener.Length);
        if (!rest[..compared].SequenceEqual(opener[..compared]) || (rest.Length > opener.Length && !XmlChars.IsSpace(rest[opener.Length])))
        {
            // No declaration ("<?xml-stylesheet" is a processing instruction, refused later).
            pos = start;
            return ScanResult.Complete;
        }

        if (rest.Length <= opener.Length)
        {
            return ScanResult.NeedMore;
        }

        var end = rest.IndexOf("?>"u8);
        if (end < 0)
        {
            return ScanResult.NeedMore;
        }

        var error = XmlDeclaration.Check(rest[opener.Length..end]);
        if (error != XmlStreamError.None)
        {
            return FailScan(error);
        }

        pos = start + end + 2;
        return ScanResult.Complete;
    }
}
