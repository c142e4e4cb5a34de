using System.Buffers;
using System.Runtime.CompilerServices;
using System.Globalization;

namespace HighPerf.Xmpp.Core.Addressing.Unicode;

/// <summary>
/// The non-ASCII path of domainparts (RFC 7622 §3.2), an IDNA2008 subset: label separators U+3002, U+FF0E,
/// U+FF61 become '.', width mapping, lowercase, NFC (the RFC 5895 mappings); A-labels ("xn--") are turned into
/// U-labels, as RFC 7622 §3.2.1 requires; each U-label must be IdentifierClass PVALID (IDNA2008's property is
/// its ancestor), not start with a combining mark, avoid the IDNA2008 ignorable blocks and the reserved
/// hyphens, and every label obeys the Bidi Rule when the name has right-to-left text.
/// Not checked: the 63-octet limit on a U-label's A-label form (only ASCII labels are held to 63 bytes),
/// ZWNJ after a joining letter (rejected; allowed after a virama only).
/// </summary>
internal static class IdnaDomain
{
    private const int MaxLabelBytes = 63;

    private static readonly IdnMapping Punycode = new() { AllowUnassigned = true, UseStd3AsciiRules = false };

    // The work space is written before it is read; zeroing 2 KiB per call is pure cost.
    [SkipLocalsInit]
    public static JidError Normalize(ReadOnlySpan<byte> utf8, Span<byte> destination, int maxBytes, out int written)
    {
        written = 0;
        var need = utf8.Length * CodePoints.WorkPerInputByte;
        int[]? rented = null;
        var work = need <= CodePoints.StackLimit
            ? stackalloc int[CodePoints.StackLimit]
            : (rented = ArrayPool<int>.Shared.Rent(need));
        try
        {
            if (!CodePoints.TryDecode(utf8, work[..utf8.Length], out var count))
            {
                return JidError.Malformed;
            }

            var mapped = work[utf8.Length..need];
            var length = 0;
            foreach (var original in work[..count])
            {
                var cp = PrecisRules.MapWidth(original);
                if (cp is 0x3002 or 0xFF0E or 0xFF61)
                {
                    cp = '.';
                }

                length = CodePoints.AppendLowerDecomposed(cp, mapped, length);
            }

            length = Nfc.Compose(mapped[..length]);
            if (length > 0 && mapped[length - 1] == '.')
            {
                length--;
            }

            // Output goes into the decoded area, which is no longer needed: A-label decoding never yields more
            // code points than the label had characters, so the result fits where the input was.
            var output = work[..utf8.Length];
            var error = Labels(mapped[..length], output, out var outputLength);
            if (error != JidError.None)
            {
                return error;
            }

            return PrecisEnforcer.Write(output[..outputLength], destination, maxBytes, out written);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<int>.Shared.Return(rented);
            }
        }
    }

    private static JidError Labels(ReadOnlySpan<int> name, Span<int> output, out int outputLength)
    {
        outputLength = 0;
        if (name.IsEmpty)
        {
            return JidError.Malformed;
        }

        while (true)
        {
            var dot = name.IndexOf('.');
            var label = dot < 0 ? name : name[..dot];
            if (label.IsEmpty)
            {
                return JidError.Malformed;
            }

            var start = outputLength;
            if (IsAscii(label) && label.Length >= 4 && label[0] == 'x' && label[1] == 'n' && label[2] == '-' && label[3] == '-')
            {
                if (!TryDecodeALabel(label, output[outputLength..], out var decoded) || !IsULabel(output.Slice(start, decoded)))
                {
                    return JidError.Malformed;
                }

                outputLength += decoded;
            }
            else if (IsAscii(label))
            {
                if (label.Length > MaxLabelBytes || !IsHostLabel(label))
                {
                    return JidError.Malformed;
                }

                label.CopyTo(output[outputLength..]);
                outputLength += label.Length;
            }
            else
            {
                if (!IsULabel(label))
                {
                    return JidError.Malformed;
                }

                label.CopyTo(output[outputLength..]);
                outputLength += label.Length;
            }

            if (dot < 0)
            {
                break;
            }

            output[outputLength++] = '.';
            name = name[(dot + 1)..];
        }

        return BidiHolds(output[..outputLength]) ? JidError.None : JidError.Malformed;
    }

    private static bool BidiHolds(ReadOnlySpan<int> name)
    {
        if (!PrecisRules.HasRightToLeft(name))
        {
            return true;
        }

        // RFC 5893 §1.4: in a name with right-to-left labels, every label obeys the rule.
        foreach (var range in name.Split('.'))
        {
            if (!PrecisRules.SatisfiesBidiRule(name[range]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>ASCII labels: letters, digits, hyphen (not first or last) and, as real deployments use it, underscore.</summary>
    internal static bool IsHostLabel(ReadOnlySpan<int> label)
    {
        if (label[0] == '-' || label[^1] == '-')
        {
            return false;
        }

        foreach (var cp in label)
        {
            if (cp is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsULabel(ReadOnlySpan<int> label)
    {
        if (label.IsEmpty || label[0] == '-' || label[^1] == '-' || (label.Length >= 4 && label[2] == '-' && label[3] == '-'))
        {
            return false;
        }

        if (CharUnicodeInfo.GetUnicodeCategory(label[0]) is UnicodeCategory.NonSpacingMark
            or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark)
        {
            return false;
        }

        for (var i = 0; i < label.Length; i++)
        {
            var cp = label[i];
            if (cp < 0x80)
            {
                if (cp is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
                {
                    return false;
                }

                continue;
            }

            // IDNA2008 IgnorableBlocks (RFC 5892 §2.4): combining marks for symbols, musical symbols.
            if (cp is (>= 0x20D0 and <= 0x20FF) or (>= 0x1D100 and <= 0x1D24F))
            {
                return false;
            }

            var valid = UnicodeRuns.Property(cp) switch
            {
                PrecisProperty.Pvalid => true,
                PrecisProperty.ContextJ or PrecisProperty.ContextO => PrecisRules.ContextAllows(label, i),
                _ => false,
            };
            if (!valid)
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryDecodeALabel(ReadOnlySpan<int> label, Span<int> output, out int decoded)
    {
        decoded = 0;
        string unicode;
        try
        {
            // Rare (an A-label in an address): a string here is fine.
            Span<char> chars = stackalloc char[label.Length];
            for (var i = 0; i < label.Length; i++)
            {
                chars[i] = (char)label[i];
            }

            unicode = Punycode.GetUnicode(new string(chars));
        }
        catch (ArgumentException)
        {
            return false;
        }

        foreach (var rune in unicode.EnumerateRunes())
        {
            // A U-label is lowercase and in NFC already; an A-label that decodes otherwise is not a valid one.
            if (decoded == output.Length || rune.Value != System.Text.Rune.ToLowerInvariant(rune).Value)
            {
                return false;
            }

            output[decoded++] = rune.Value;
        }

        return decoded > 0 && !IsAscii(output[..decoded]) && Nfc.IsNormalized(output[..decoded]);
    }

    private static bool IsAscii(ReadOnlySpan<int> label) => label.IndexOfAnyExceptInRange(0, 0x7F) < 0;
}
