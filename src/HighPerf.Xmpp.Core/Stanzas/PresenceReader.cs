using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Xml.Reader;

namespace HighPerf.Xmpp.Core.Stanzas;

/// <summary>Reads the few presence children the server acts on, without allocating.</summary>
public static class PresenceReader
{
    /// <summary>RFC 6121 §4.7.2.3: an integer in -128..127, 0 when absent or invalid.</summary>
    public static int ReadPriority(ReadOnlySpan<byte> rawPresence)
    {
        var reader = XmlElementReader.Create(rawPresence, XmppNames.NsClient);
        if (!reader.TryGetChild("priority"u8, XmppNames.NsClient, out var priority))
        {
            return 0;
        }

        Span<byte> text = stackalloc byte[16];
        if (priority.GetTextLength() > text.Length || !priority.TryGetText(text, out var length))
        {
            return 0;
        }

        var digits = text[..length].Trim(" \t\r\n"u8);
        return System.Buffers.Text.Utf8Parser.TryParse(digits, out int value, out var consumed)
            && consumed == digits.Length && value is >= -128 and <= 127 ? value : 0;
    }
}
