using System.Buffers;
using System.Text;

namespace HighPerf.Xmpp.Core.Addressing.Unicode;

/// <summary>UTF-8 to code points and back, for the non-ASCII path; invalid UTF-8 is rejected, never replaced.</summary>
internal static class CodePoints
{
    /// <summary>Code points of work space the non-ASCII path needs per input byte: the decoded text, plus
    /// room for case mapping (U+0130 becomes two) followed by canonical decomposition.</summary>
    public const int WorkPerInputByte = 1 + (2 * Nfc.MaxDecompositionLength);

    /// <summary>Work spaces up to this many code points live on the stack; larger ones are rented.</summary>
    public const int StackLimit = 512;

    public static bool TryDecode(ReadOnlySpan<byte> utf8, Span<int> destination, out int count)
    {
        count = 0;
        while (!utf8.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(utf8, out var rune, out var consumed) != OperationStatus.Done)
            {
                return false;
            }

            destination[count++] = rune.Value;
            utf8 = utf8[consumed..];
        }

        return true;
    }

    public static int Utf8Length(ReadOnlySpan<int> codePoints)
    {
        var length = 0;
        foreach (var cp in codePoints)
        {
            length += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        }

        return length;
    }

    /// <summary>Encodes into <paramref name="destination"/>, which the caller has sized with <see cref="Utf8Length"/>.</summary>
    public static int Encode(ReadOnlySpan<int> codePoints, Span<byte> destination)
    {
        var written = 0;
        foreach (var cp in codePoints)
        {
            written += new Rune(cp).EncodeToUtf8(destination[written..]);
        }

        return written;
    }

    /// <summary>Unicode simple lowercase, plus the one unconditional full mapping (U+0130 to "i\u0307") that
    /// .NET's invariant casing leaves out; the mapped code points are appended decomposed.</summary>
    public static int AppendLowerDecomposed(int cp, Span<int> buffer, int count)
    {
        if (cp == 0x0130)
        {
            count = Nfc.AppendDecomposed('i', buffer, count);
            return Nfc.AppendDecomposed(0x0307, buffer, count);
        }

        var lower = cp < 0x80 ? (cp is >= 'A' and <= 'Z' ? cp + 32 : cp) : Rune.ToLowerInvariant(new Rune(cp)).Value;
        return Nfc.AppendDecomposed(lower, buffer, count);
    }
}
