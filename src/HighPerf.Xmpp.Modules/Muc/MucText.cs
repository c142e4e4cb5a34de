using System.Text;
using HighPerf.Xmpp.Xml.Reader;

namespace HighPerf.Xmpp.Modules.Muc;

/// <summary>Decodes an element's text into a string (rare paths: passwords, reasons, form values).</summary>
internal static class MucText
{
    public const int MaxTextBytes = 16 * 1024;

    public static string Read(XmlElementReader element)
    {
        var length = element.GetTextLength();
        if (length == 0 || length > MaxTextBytes)
        {
            return "";
        }

        var buffer = new byte[length];
        return element.TryGetText(buffer, out var written) ? Encoding.UTF8.GetString(buffer, 0, written) : "";
    }

    /// <summary>The text of the child <paramref name="name"/> in <paramref name="ns"/>, or null when absent.</summary>
    public static string? Child(XmlElementReader parent, ReadOnlySpan<byte> name, ReadOnlySpan<byte> ns)
        => parent.TryGetChild(name, ns, out var child) ? Read(child) : null;
}
