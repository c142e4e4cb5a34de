using System.Buffers;
using System.Text;
using HighPerf.Xmpp.Xml.Internal;

namespace HighPerf.Xmpp.Xml;

/// <summary>
/// Decoding of raw values (the five predefined entities and character references) and escaping for
/// text and attribute values, on UTF-8 bytes without allocating.
/// </summary>
/// <remarks>
/// Escaping writes what a reader gives back unchanged: &amp; &lt; &gt; always; ' and " in attribute
/// values (the writer quotes with '); CR in text and tab/CR/LF in attributes as character references,
/// because XML parsers normalize them. Input that cannot appear in XML at all (invalid UTF-8, C0 controls
/// other than tab/CR/LF, U+FFFE, U+FFFF) is replaced by U+FFFD rather than failing the whole write.
/// </remarks>
public static class XmlEscaping
{
    private static ReadOnlySpan<byte> ReplacementCharacter => [0xEF, 0xBF, 0xBD];

    /// <summary>Longest escaped form of <paramref name="sourceLength"/> bytes (each byte becomes at most "&amp;quot;").</summary>
    public static int GetMaxEscapedLength(int sourceLength) => checked(sourceLength * 6);

    /// <summary>True when <paramref name="raw"/> contains a reference to decode.</summary>
    public static bool NeedsUnescape(ReadOnlySpan<byte> raw) => raw.Contains((byte)'&');

    /// <summary>
    /// Decodes the references in a raw value (as found in the tokenizer's attribute ranges or by
    /// <see cref="Reader.XmlElementReader"/>) into UTF-8. False when <paramref name="destination"/> is too
    /// small (the raw length always suffices: decoding never grows) or a reference is invalid.
    /// Line ends and attribute whitespace are not normalized.
    /// </summary>
    public static bool TryUnescape(ReadOnlySpan<byte> raw, Span<byte> destination, out int written) =>
        TryDecode(raw, destination, normalizeNewlines: false, out written);

    /// <summary>Escapes UTF-8 text content. Done when all of <paramref name="source"/> was consumed,
    /// DestinationTooSmall when the destination filled first (call again with more room).</summary>
    public static OperationStatus EscapeText(ReadOnlySpan<byte> source, Span<byte> destination, out int bytesConsumed, out int bytesWritten) =>
        Escape(source, destination, XmlChars.EscapeFreeText, out bytesConsumed, out bytesWritten);

    /// <summary>Escapes a UTF-8 attribute value for either quote character.</summary>
    public static OperationStatus EscapeAttribute(ReadOnlySpan<byte> source, Span<byte> destination, out int bytesConsumed, out int bytesWritten) =>
        Escape(source, destination, XmlChars.EscapeFreeAttribute, out bytesConsumed, out bytesWritten);

    internal static bool TryDecode(ReadOnlySpan<byte> raw, Span<byte> destination, bool normalizeNewlines, out int written)
    {
        written = 0;
        while (true)
        {
            var special = normalizeNewlines ? raw.IndexOfAny((byte)'&', (byte)'\r') : raw.IndexOf((byte)'&');
            var run = special < 0 ? raw.Length : special;
            if (!raw[..run].TryCopyTo(destination[written..]))
            {
                return false;
            }

            written += run;
            if (special < 0)
            {
                return true;
            }

            raw = raw[special..];
            if (raw[0] == (byte)'\r')
            {
                // XML 1.0 §2.11: CR LF and lone CR read as LF.
                if (written == destination.Length)
                {
                    return false;
                }

                destination[written++] = (byte)'\n';
                raw = raw.Length > 1 && raw[1] == (byte)'\n' ? raw[2..] : raw[1..];
                continue;
            }

            // The parser only yields scalars that are XML characters, so the Rune is always valid.
            if (XmlReferences.Parse(raw, out var scalar, out var length) != ReferenceStatus.Ok
                || !new Rune(scalar).TryEncodeToUtf8(destination[written..], out var encoded))
            {
                return false;
            }

            written += encoded;
            raw = raw[length..];
        }
    }

    private static OperationStatus Escape(ReadOnlySpan<byte> source, Span<byte> destination, SearchValues<byte> escapeFree, out int bytesConsumed, out int bytesWritten)
    {
        var consumed = 0;
        var written = 0;
        var status = OperationStatus.Done;
        while (consumed < source.Length)
        {
            var rest = source[consumed..];
            var free = rest.IndexOfAnyExcept(escapeFree);
            if (free != 0)
            {
                var run = free < 0 ? rest.Length : free;
                var fits = Math.Min(run, destination.Length - written);
                rest[..fits].CopyTo(destination[written..]);
                consumed += fits;
                written += fits;
                if (fits < run)
                {
                    status = OperationStatus.DestinationTooSmall;
                    break;
                }

                continue;
            }

            var replacement = EscapeOne(rest, out var inputLength);
            if (!replacement.TryCopyTo(destination[written..]))
            {
                status = OperationStatus.DestinationTooSmall;
                break;
            }

            consumed += inputLength;
            written += replacement.Length;
        }

        bytesConsumed = consumed;
        bytesWritten = written;
        return status;
    }

    /// <summary>What to write for the byte (or UTF-8 sequence) at the start of <paramref name="source"/>.</summary>
    private static ReadOnlySpan<byte> EscapeOne(ReadOnlySpan<byte> source, out int inputLength)
    {
        inputLength = 1;
        switch (source[0])
        {
            case (byte)'&':
                return "&amp;"u8;
            case (byte)'<':
                return "&lt;"u8;
            case (byte)'>':
                return "&gt;"u8;
            case (byte)'\'':
                return "&apos;"u8;
            case (byte)'"':
                return "&quot;"u8;
            case (byte)'\r':
                return "&#xD;"u8;
            case (byte)'\n':
                return "&#xA;"u8;
            case (byte)'\t':
                return "&#x9;"u8;
            case < 0x80:
                return ReplacementCharacter;
        }

        var status = Rune.DecodeFromUtf8(source, out var rune, out var length);
        inputLength = Math.Max(1, length);
        return status == OperationStatus.Done && XmlChars.IsXmlChar(rune.Value) ? source[..length] : ReplacementCharacter;
    }
}
