using System.Buffers;
using System.Runtime.CompilerServices;
using System.Globalization;

namespace HighPerf.Xmpp.Core.Addressing.Unicode;

/// <summary>
/// The non-ASCII path of JID and password normalization, on code points in a stack or pooled work space
/// (no strings): PRECIS UsernameCaseMapped for localparts (RFC 8265 §3.3), OpaqueString for resourceparts
/// and passwords (RFC 8265 §4.2). The ASCII path lives in <see cref="JidNormalizer"/>.
/// </summary>
internal static class PrecisEnforcer
{
    /// <summary>Localpart: width mapping, IdentifierClass, lowercase, NFC, Bidi Rule, plus RFC 7622 §3.3.1's
    /// forbidden <c>" &amp; ' / : &lt; &gt; @</c>.</summary>
    public static JidError Localpart(ReadOnlySpan<byte> utf8, Span<byte> destination, int maxBytes, out int written)
        => Enforce(utf8, destination, maxBytes, identifier: true, out written);

    /// <summary>OpaqueString: non-ASCII spaces to U+0020, NFC, FreeformClass. No case mapping.</summary>
    public static JidError OpaqueString(ReadOnlySpan<byte> utf8, Span<byte> destination, int maxBytes, out int written)
        => Enforce(utf8, destination, maxBytes, identifier: false, out written);

    // The work space is written before it is read; zeroing 2 KiB per call is pure cost.
    [SkipLocalsInit]
    private static JidError Enforce(ReadOnlySpan<byte> utf8, Span<byte> destination, int maxBytes, bool identifier, out int written)
    {
        written = 0;
        var need = utf8.Length * CodePoints.WorkPerInputByte;
        int[]? rented = null;
        var work = need <= CodePoints.StackLimit
            ? stackalloc int[CodePoints.StackLimit]
            : (rented = ArrayPool<int>.Shared.Rent(need));
        try
        {
            var decoded = work[..utf8.Length];
            if (!CodePoints.TryDecode(utf8, decoded, out var count))
            {
                return JidError.Malformed;
            }

            decoded = decoded[..count];
            var mapped = work[utf8.Length..need];
            var length = 0;
            foreach (var original in decoded)
            {
                // Preparation (RFC 8265 §3.3.2, §4.2.2): the string must be in the class before case mapping.
                var cp = original;
                if (identifier)
                {
                    cp = PrecisRules.MapWidth(cp);
                    if (UnicodeRuns.Property(cp) is not (PrecisProperty.Pvalid or PrecisProperty.ContextJ or PrecisProperty.ContextO))
                    {
                        return JidError.Malformed;
                    }

                    length = CodePoints.AppendLowerDecomposed(cp, mapped, length);
                }
                else
                {
                    if (UnicodeRuns.Property(cp) is PrecisProperty.Disallowed or PrecisProperty.Unassigned)
                    {
                        return JidError.Malformed;
                    }

                    if (cp > 0x7F && CharUnicodeInfo.GetUnicodeCategory(cp) == UnicodeCategory.SpaceSeparator)
                    {
                        cp = ' ';
                    }

                    length = Nfc.AppendDecomposed(cp, mapped, length);
                }
            }

            var result = mapped[..Nfc.Compose(mapped[..length])];
            if (!IsValid(result, identifier))
            {
                return JidError.Malformed;
            }

            return Write(result, destination, maxBytes, out written);
        }
        finally
        {
            if (rented is not null)
            {
                // Passwords pass through here: leave nothing of them in the pool.
                Array.Clear(rented, 0, need);
                ArrayPool<int>.Shared.Return(rented);
            }
        }
    }

    internal static bool IsValid(ReadOnlySpan<int> text, bool identifier)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var cp = text[i];
            if (identifier && cp is '"' or '&' or '\'' or '/' or ':' or '<' or '>' or '@')
            {
                return false;
            }

            var valid = UnicodeRuns.Property(cp) switch
            {
                PrecisProperty.Pvalid => true,
                PrecisProperty.FreeformOnly => !identifier,
                PrecisProperty.ContextJ or PrecisProperty.ContextO => PrecisRules.ContextAllows(text, i),
                _ => false,
            };
            if (!valid)
            {
                return false;
            }
        }

        // The Bidi Rule binds usernames (RFC 8265 §3.3.2 step 5) when right-to-left text is present.
        return !identifier || !PrecisRules.HasRightToLeft(text) || PrecisRules.SatisfiesBidiRule(text);
    }

    internal static JidError Write(ReadOnlySpan<int> text, Span<byte> destination, int maxBytes, out int written)
    {
        written = 0;
        var length = CodePoints.Utf8Length(text);
        if (length == 0)
        {
            return JidError.Malformed;
        }

        if (length > maxBytes)
        {
            return JidError.TooLong;
        }

        if (length > destination.Length)
        {
            return JidError.DestinationTooSmall;
        }

        written = CodePoints.Encode(text, destination);
        return JidError.None;
    }
}
