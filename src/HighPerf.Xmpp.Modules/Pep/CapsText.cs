using System.Text;
using HighPerf.Xmpp.Xml;
using HighPerf.Xmpp.Xml.Reader;

namespace HighPerf.Xmpp.Modules.Pep;

/// <summary>Decoded text of attributes and elements, for the rare paths (caps discovery) that keep strings.</summary>
internal static class CapsText
{
    public static string Attribute(XmlElementReader element, ReadOnlySpan<byte> name)
        => element.TryGetAttribute(name, out var raw) ? Decode(raw) : "";

    public static string Decode(ReadOnlySpan<byte> raw)
    {
        if (!XmlEscaping.NeedsUnescape(raw))
        {
            return Encoding.UTF8.GetString(raw);
        }

        var buffer = raw.Length <= 512 ? stackalloc byte[raw.Length] : new byte[raw.Length];
        return XmlEscaping.TryUnescape(raw, buffer, out var written) ? Encoding.UTF8.GetString(buffer[..written]) : "";
    }

    /// <summary>An attribute's decoded bytes, or null when absent, empty, undecodable or longer than <paramref name="maxBytes"/>.</summary>
    public static byte[]? AttributeBytes(XmlElementReader element, ReadOnlySpan<byte> name, int maxBytes)
    {
        if (!element.TryGetAttribute(name, out var raw) || raw.IsEmpty || raw.Length > maxBytes * 6)
        {
            return null;
        }

        var buffer = new byte[raw.Length];
        if (!XmlEscaping.TryUnescape(raw, buffer, out var written) || written == 0 || written > maxBytes)
        {
            return null;
        }

        return buffer.AsSpan(0, written).ToArray();
    }

    public static string Text(XmlElementReader element)
    {
        var buffer = new byte[element.GetTextLength()];
        return element.TryGetText(buffer, out var written) ? Encoding.UTF8.GetString(buffer, 0, written) : "";
    }
}
