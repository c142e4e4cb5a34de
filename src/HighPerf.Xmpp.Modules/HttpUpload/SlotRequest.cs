using System.Globalization;
using System.Text;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Reader;

namespace HighPerf.Xmpp.Modules.HttpUpload;

/// <summary>A XEP-0363 §4 &lt;request filename='' size='' content-type=''/&gt;, checked.</summary>
internal readonly record struct SlotRequest(string Filename, long Size, string ContentType)
{
    private const int MaxFilenameChars = 255;
    private const int MaxContentTypeChars = 255;

    /// <summary>False for a missing or malformed attribute. File names must be a name, not a path (no '/' or '\',
    /// no control characters, not "." or ".."); a content type must look like type/subtype.</summary>
    public static bool TryParse(XmlElementReader request, out SlotRequest slot)
    {
        slot = default;
        if (!request.TryGetAttribute("filename"u8, out var rawName) || !XmlText.TryDecode(rawName, 4 * MaxFilenameChars, out var nameBytes)
            || !request.TryGetAttribute("size"u8, out var rawSize) || !XmlText.TryDecode(rawSize, 32, out var sizeBytes)
            || !long.TryParse(Encoding.ASCII.GetString(sizeBytes), NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            return false;
        }

        var filename = Encoding.UTF8.GetString(nameBytes);
        if (filename.Length is 0 or > MaxFilenameChars || filename is "." or ".." || filename.AsSpan().IndexOfAny("/\\") >= 0)
        {
            return false;
        }

        foreach (var c in filename)
        {
            if (char.IsControl(c))
            {
                return false;
            }
        }

        var contentType = "";
        if (request.TryGetAttribute("content-type"u8, out var rawType))
        {
            if (!XmlText.TryDecode(rawType, MaxContentTypeChars, out var typeBytes))
            {
                return false;
            }

            contentType = Encoding.UTF8.GetString(typeBytes).Trim();
            if (contentType.Length > 0 && !IsMediaType(contentType))
            {
                return false;
            }
        }

        slot = new SlotRequest(filename, size, contentType);
        return true;
    }

    private static bool IsMediaType(string value)
    {
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == value.Length - 1)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c is < '!' or > '~' && c != ' ')
            {
                return false; // printable ASCII only: it becomes an HTTP header value
            }
        }

        return true;
    }
}
