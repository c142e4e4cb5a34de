using HighPerf.Xmpp.Xml.Internal;

namespace HighPerf.Xmpp.Xml.Tokenizer;

/// <summary>Checks the pseudo-attributes of an XML declaration: version, then optional encoding
/// (which must be UTF-8, case-insensitive), then optional standalone, in that order.</summary>
internal static class XmlDeclaration
{
    /// <param name="body">The bytes between "&lt;?xml" and "?&gt;".</param>
    public static XmlStreamError Check(ReadOnlySpan<byte> body)
    {
        var pos = 0;
        if (Read(body, ref pos, out var name, out var value) != 1 || !name.SequenceEqual("version"u8) || !IsVersion(value))
        {
            return XmlStreamError.NotWellFormed;
        }

        var next = Read(body, ref pos, out name, out value);
        if (next == 1 && name.SequenceEqual("encoding"u8))
        {
            if (!IsEncodingName(value))
            {
                return XmlStreamError.NotWellFormed;
            }

            if (!value.SequenceEqual("UTF-8"u8) && !System.Text.Ascii.EqualsIgnoreCase(value, "UTF-8"u8))
            {
                return XmlStreamError.UnsupportedEncoding;
            }

            next = Read(body, ref pos, out name, out value);
        }

        if (next == 1 && name.SequenceEqual("standalone"u8))
        {
            if (!value.SequenceEqual("yes"u8) && !value.SequenceEqual("no"u8))
            {
                return XmlStreamError.NotWellFormed;
            }

            next = Read(body, ref pos, out _, out _);
        }

        return next == 0 ? XmlStreamError.None : XmlStreamError.NotWellFormed;
    }

    /// <summary>Reads S name S? '=' S? quoted-value. Returns 1 when read, 0 at the end (only whitespace
    /// left), -1 when malformed.</summary>
    private static int Read(ReadOnlySpan<byte> s, ref int pos, out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        name = default;
        value = default;
        var start = pos;
        while (pos < s.Length && XmlChars.IsSpace(s[pos]))
        {
            pos++;
        }

        if (pos == s.Length)
        {
            return 0;
        }

        if (pos == start)
        {
            return -1;
        }

        var nameStart = pos;
        while (pos < s.Length && s[pos] is >= (byte)'a' and <= (byte)'z')
        {
            pos++;
        }

        name = s[nameStart..pos];
        SkipSpace(s, ref pos);
        if (name.IsEmpty || pos == s.Length || s[pos] != (byte)'=')
        {
            return -1;
        }

        pos++;
        SkipSpace(s, ref pos);
        if (pos == s.Length || s[pos] is not ((byte)'\'' or (byte)'"'))
        {
            return -1;
        }

        var quote = s[pos++];
        var length = s[pos..].IndexOf(quote);
        if (length < 0)
        {
            return -1;
        }

        value = s.Slice(pos, length);
        pos += length + 1;
        return 1;
    }

    private static void SkipSpace(ReadOnlySpan<byte> s, ref int pos)
    {
        while (pos < s.Length && XmlChars.IsSpace(s[pos]))
        {
            pos++;
        }
    }

    /// <summary>VersionNum ::= '1.' [0-9]+ (XML 1.0 fifth edition).</summary>
    private static bool IsVersion(ReadOnlySpan<byte> value) =>
        value.Length > 2 && value[0] == (byte)'1' && value[1] == (byte)'.' && !value[2..].ContainsAnyExceptInRange((byte)'0', (byte)'9');

    /// <summary>EncName ::= [A-Za-z] ([A-Za-z0-9._] | '-')*.</summary>
    private static bool IsEncodingName(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty || !char.IsAsciiLetter((char)value[0]))
        {
            return false;
        }

        foreach (var b in value[1..])
        {
            if (!(char.IsAsciiLetterOrDigit((char)b) || b is (byte)'.' or (byte)'_' or (byte)'-'))
            {
                return false;
            }
        }

        return true;
    }
}
