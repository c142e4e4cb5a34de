namespace HighPerf.Xmpp.Xml.Internal;

/// <summary>
/// Parses one entity or character reference ("&amp;amp;", "&amp;#38;", "&amp;#x26;"). Only the five predefined
/// entities exist in XMPP (no DTD), so nothing is ever expanded recursively.
/// </summary>
internal static class XmlReferences
{
    /// <summary>Longest reference accepted, '&amp;' and ';' included. Real ones are at most 10 bytes
    /// ("&amp;#x10FFFF;"); the slack allows a few leading zeros while bounding what is rescanned per chunk.</summary>
    public const int MaxLength = 32;

    /// <summary>
    /// <paramref name="s"/> starts with '&amp;'. On <see cref="ReferenceStatus.Ok"/>, <paramref name="scalar"/> is the
    /// referenced character and <paramref name="length"/> the length of the reference including ';'.
    /// </summary>
    public static ReferenceStatus Parse(ReadOnlySpan<byte> s, out int scalar, out int length)
    {
        scalar = 0;
        length = 0;
        var end = -1;
        var limit = Math.Min(s.Length, MaxLength);
        for (var i = 1; i < limit; i++)
        {
            var b = s[i];
            if (b == (byte)';')
            {
                end = i;
                break;
            }

            if (!(XmlChars.IsAsciiName(b) || b == (byte)'#' || b >= 0x80))
            {
                return ReferenceStatus.Malformed;
            }
        }

        if (end < 0)
        {
            return s.Length < MaxLength ? ReferenceStatus.NeedMore : ReferenceStatus.Malformed;
        }

        length = end + 1;
        var body = s[1..end];
        if (body.Length == 0)
        {
            return ReferenceStatus.Malformed;
        }

        if (body[0] == (byte)'#')
        {
            return ParseCharacterReference(body[1..], out scalar);
        }

        scalar = PredefinedEntity(body);
        if (scalar != 0)
        {
            return ReferenceStatus.Ok;
        }

        return IsName(body) ? ReferenceStatus.UnknownEntity : ReferenceStatus.Malformed;
    }

    private static int PredefinedEntity(ReadOnlySpan<byte> name)
    {
        if (name.SequenceEqual("lt"u8))
        {
            return '<';
        }

        if (name.SequenceEqual("gt"u8))
        {
            return '>';
        }

        if (name.SequenceEqual("amp"u8))
        {
            return '&';
        }

        if (name.SequenceEqual("apos"u8))
        {
            return '\'';
        }

        return name.SequenceEqual("quot"u8) ? '"' : 0;
    }

    private static ReferenceStatus ParseCharacterReference(ReadOnlySpan<byte> digits, out int scalar)
    {
        scalar = 0;
        var hex = digits.Length > 0 && digits[0] == (byte)'x';
        if (hex)
        {
            digits = digits[1..];
        }

        if (digits.Length == 0)
        {
            return ReferenceStatus.Malformed;
        }

        var value = 0;
        foreach (var b in digits)
        {
            int digit;
            if (b is >= (byte)'0' and <= (byte)'9')
            {
                digit = b - '0';
            }
            else if (hex && b is >= (byte)'a' and <= (byte)'f')
            {
                digit = b - 'a' + 10;
            }
            else if (hex && b is >= (byte)'A' and <= (byte)'F')
            {
                digit = b - 'A' + 10;
            }
            else
            {
                return ReferenceStatus.Malformed;
            }

            value = (value * (hex ? 16 : 10)) + digit;
            if (value > 0x10FFFF)
            {
                return ReferenceStatus.Malformed;
            }
        }

        if (!XmlChars.IsXmlChar(value))
        {
            return ReferenceStatus.Malformed;
        }

        scalar = value;
        return ReferenceStatus.Ok;
    }

    private static bool IsName(ReadOnlySpan<byte> name)
    {
        var first = true;
        while (name.Length > 0)
        {
            int scalar;
            int length;
            if (name[0] < 0x80)
            {
                scalar = name[0];
                length = 1;
            }
            else
            {
                length = XmlChars.ValidateNonAscii(name, out scalar);
                if (length <= 0)
                {
                    return false;
                }
            }

            if (first ? !XmlChars.IsNameStartChar(scalar) : !XmlChars.IsNameChar(scalar))
            {
                return false;
            }

            first = false;
            name = name[length..];
        }

        return true;
    }
}
