using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;

namespace HighPerf.Xmpp.Xml.Internal;

/// <summary>
/// Character classes of XML 1.0 (5th edition) and Namespaces in XML 1.0, as byte tables and
/// <see cref="SearchValues{T}"/> so that scanners skip ordinary bytes with vectorized searches.
/// </summary>
internal static class XmlChars
{
    private const byte NameStartFlag = 1;
    private const byte NameFlag = 2;

    /// <summary>Name flags per byte (bytes >= 0x80 are neither: they go through the scalar checks below).
    /// A 256-entry constant indexed by a byte needs no bounds check.</summary>
    private static ReadOnlySpan<byte> ByteNameFlags =>
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0,
        0, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0, 3,
        0, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ];

    /// <summary>Bytes that end a run of plain character data: markup, references, '&gt;' (for "]]&gt;"),
    /// C0 controls other than tab/LF/CR, and every non-ASCII byte (validated as UTF-8 separately).
    /// Used with IndexOfAnyExcept over the complement, which is an ASCII set and so takes the fast path.</summary>
    public static readonly SearchValues<byte> PlainText = Plain(excluded: "<&>");

    /// <summary>Plain bytes inside an attribute value quoted with an apostrophe.</summary>
    public static readonly SearchValues<byte> PlainAposValue = Plain(excluded: "<&'");

    /// <summary>Plain bytes inside an attribute value quoted with a double quote.</summary>
    public static readonly SearchValues<byte> PlainQuotValue = Plain(excluded: "<&\"");

    /// <summary>Plain bytes inside a CDATA section: everything legal except '&gt;' (checked for "]]&gt;").</summary>
    public static readonly SearchValues<byte> PlainCData = Plain(excluded: ">");

    public static readonly SearchValues<byte> Whitespace = SearchValues.Create(" \t\r\n"u8);

    /// <summary>Bytes written to text content as they are (everything else is escaped or validated).</summary>
    public static readonly SearchValues<byte> EscapeFreeText = EscapeFree(excluded: "<&>\r", keepTabAndNewline: true);

    /// <summary>Bytes written to an attribute value as they are; tab and newlines are escaped so that
    /// attribute-value normalization does not turn them into spaces.</summary>
    public static readonly SearchValues<byte> EscapeFreeAttribute = EscapeFree(excluded: "<&>'\"", keepTabAndNewline: false);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsSpace(byte b) => b <= (byte)' ' && ((SpaceMask >> b) & 1) != 0;

    /// <summary>Bits 0x20, 0x0D, 0x0A and 0x09: a branch-free whitespace test for bytes up to 0x20.</summary>
    private const ulong SpaceMask = (1UL << ' ') | (1UL << '\r') | (1UL << '\n') | (1UL << '\t');

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsAsciiNameStart(byte b) => (ByteNameFlags[b] & NameStartFlag) != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsAsciiName(byte b) => (ByteNameFlags[b] & NameFlag) != 0;

    /// <summary>XML 1.0 Char production: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].</summary>
    public static bool IsXmlChar(int c) =>
        c >= 0x20 ? (c <= 0xD7FF || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF))
                  : (c == 0x9 || c == 0xA || c == 0xD);

    /// <summary>NameStartChar without ':' (namespaces give the colon its own meaning).</summary>
    public static bool IsNameStartChar(int c)
    {
        if (c < 0x80)
        {
            return c >= 0 && (ByteNameFlags[c] & NameStartFlag) != 0;
        }

        return (c >= 0xC0 && c <= 0xD6) || (c >= 0xD8 && c <= 0xF6) || (c >= 0xF8 && c <= 0x2FF)
            || (c >= 0x370 && c <= 0x37D) || (c >= 0x37F && c <= 0x1FFF) || (c >= 0x200C && c <= 0x200D)
            || (c >= 0x2070 && c <= 0x218F) || (c >= 0x2C00 && c <= 0x2FEF) || (c >= 0x3001 && c <= 0xD7FF)
            || (c >= 0xF900 && c <= 0xFDCF) || (c >= 0xFDF0 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0xEFFFF);
    }

    /// <summary>NameChar without ':'.</summary>
    public static bool IsNameChar(int c)
    {
        if (c < 0x80)
        {
            return c >= 0 && (ByteNameFlags[c] & NameFlag) != 0;
        }

        return IsNameStartChar(c) || c == 0xB7 || (c >= 0x300 && c <= 0x36F) || (c >= 0x203F && c <= 0x2040);
    }

    /// <summary>
    /// Validates one UTF-8 encoded scalar at the start of <paramref name="s"/> (its first byte is >= 0x80)
    /// and checks that it is an XML Char. Returns its length, 0 when more bytes are needed to decide,
    /// or -1 when the bytes are not valid UTF-8 (overlong, surrogate, above U+10FFFF) or not a Char.
    /// </summary>
    public static int ValidateNonAscii(ReadOnlySpan<byte> s, out int scalar)
    {
        var status = Rune.DecodeFromUtf8(s, out var rune, out var length);
        scalar = rune.Value;
        if (status == OperationStatus.Done)
        {
            return scalar is 0xFFFE or 0xFFFF ? -1 : length;
        }

        return status == OperationStatus.NeedMoreData ? 0 : -1;
    }

    private static SearchValues<byte> Plain(string excluded)
    {
        Span<byte> bytes = stackalloc byte[128];
        var count = 0;
        for (var b = 0; b < 0x80; b++)
        {
            var legal = b >= 0x20 || b == 0x9 || b == 0xA || b == 0xD;
            if (legal && !excluded.Contains((char)b, StringComparison.Ordinal))
            {
                bytes[count++] = (byte)b;
            }
        }

        return SearchValues.Create(bytes[..count]);
    }

    private static SearchValues<byte> EscapeFree(string excluded, bool keepTabAndNewline)
    {
        Span<byte> bytes = stackalloc byte[128];
        var count = 0;
        for (var b = 0; b < 0x80; b++)
        {
            var kept = b >= 0x20 || (keepTabAndNewline && b is 0x9 or 0xA);
            if (kept && !excluded.Contains((char)b, StringComparison.Ordinal))
            {
                bytes[count++] = (byte)b;
            }
        }

        return SearchValues.Create(bytes[..count]);
    }
}
