using HighPerf.Xmpp.Xml;

namespace HighPerf.Xmpp.Core.Stanzas;

/// <summary>Decodes raw attribute values into owned UTF-8 arrays (for values that outlive the stanza).</summary>
public static class XmlText
{
    /// <summary>Unescapes <paramref name="raw"/>; false when it is malformed or decodes to more than <paramref name="maxBytes"/>.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> raw, int maxBytes, out byte[] value)
    {
        if (raw.IndexOf((byte)'&') < 0)
        {
            value = raw.Length <= maxBytes ? raw.ToArray() : [];
            return raw.Length <= maxBytes;
        }

        var buffer = new byte[Math.Min(raw.Length, maxBytes)];
        if (!XmlEscaping.TryUnescape(raw, buffer, out var written))
        {
            value = [];
            return false;
        }

        value = buffer.AsSpan(0, written).ToArray();
        return true;
    }
}
