using System.Buffers;
using System.Net;
using System.Text;
using HighPerf.Xmpp.Core.Addressing.Unicode;

namespace HighPerf.Xmpp.Core.Addressing;

/// <summary>
/// Validates and normalizes XMPP addresses (RFC 7622) into UTF-8 bytes, the form every table and store keys on.
/// </summary>
/// <remarks>
/// <para>Structure (RFC 7622 §3.1): the resourcepart follows the first '/', the localpart precedes the first
/// '@' before that; so a resourcepart may hold '@' and '/'. Empty parts ("@d", "l@", "d/") are malformed.</para>
/// <para>Localpart: PRECIS UsernameCaseMapped (RFC 8265 §3.3) — width mapping, IdentifierClass, Unicode
/// lowercase (ß stays ß, Σ becomes σ, no final-sigma context), NFC, Bidi Rule — and none of
/// <c>" &amp; ' / : &lt; &gt; @</c>. Resourcepart: PRECIS OpaqueString (RFC 8265 §4.2) — non-ASCII spaces
/// to U+0020, NFC, FreeformClass, case kept. Domainpart: lowercase, one trailing '.' dropped, ASCII labels of
/// letters, digits, '-' and '_' up to 63 bytes, "[IPv6]" literals (lowercased, not canonicalized), and a
/// documented IDNA2008 subset for anything else (see <see cref="IdnaDomain"/>).</para>
/// <para>Each part is 1..<see cref="MaxPartBytes"/> bytes after normalization. ASCII parts take a vectorized
/// path that allocates nothing; non-ASCII parts run on code points in stack or pooled space and allocate
/// nothing either after warm-up (A-labels excepted). Unicode data is our own (Unicode 16.0), so results do
/// not depend on ICU or on <c>InvariantGlobalization</c>.</para>
/// </remarks>
public static class JidNormalizer
{
    /// <summary>Longest localpart, domainpart or resourcepart, in bytes (RFC 7622 §3.2–3.4).</summary>
    public const int MaxPartBytes = 1023;

    /// <summary>Longest normalized JID: three full parts and two separators. A destination this size always suffices.</summary>
    public const int MaxJidBytes = (3 * MaxPartBytes) + 2;

    /// <summary>
    /// Longest input accepted for one part. Mapping can shrink text (fullwidth forms, composition) by up to
    /// 3×, so inputs somewhat over <see cref="MaxPartBytes"/> may still normalize; longer ones are rejected
    /// as <see cref="JidError.TooLong"/> before any work.
    /// </summary>
    public const int MaxPartInputBytes = 4 * MaxPartBytes;

    // RFC 7622 §3.3.1 on top of IdentifierClass's ASCII (U+0021..U+007E).
    private static readonly SearchValues<byte> LocalpartAscii =
        SearchValues.Create("!#$%()*+,-.0123456789;=?ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"u8);

    private static readonly SearchValues<byte> DomainAscii =
        SearchValues.Create("-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"u8);

    /// <summary>
    /// Normalizes a whole JID (raw UTF-8, already XML-unescaped) into <paramref name="destination"/>, which must
    /// not overlap the input. On success <paramref name="parts"/> locates the parts in the output.
    /// </summary>
    public static JidError TryNormalize(ReadOnlySpan<byte> input, Span<byte> destination, out int written, out JidParts parts)
    {
        written = 0;
        parts = default;
        var slash = input.IndexOf((byte)'/');
        var bare = slash < 0 ? input : input[..slash];
        var at = bare.IndexOf((byte)'@');

        // Each part is normalized into the room after its separator; with no room left a part is still
        // validated, so a bad part reports Malformed whatever the buffer size.
        var localLength = 0;
        var position = 0;
        if (at >= 0)
        {
            var error = TryNormalizeLocalpart(bare[..at], destination, out localLength);
            if (error != JidError.None)
            {
                return error;
            }

            position = localLength + 1;
        }

        var domainError = TryNormalizeDomainpart(at < 0 ? bare : bare[(at + 1)..], After(destination, position - 1), out var domainLength);
        if (domainError != JidError.None)
        {
            return domainError;
        }

        if (at >= 0)
        {
            destination[localLength] = (byte)'@';
        }

        position += domainLength;
        var resourceLength = 0;
        if (slash >= 0)
        {
            var error = TryNormalizeResourcepart(input[(slash + 1)..], After(destination, position), out resourceLength);
            if (error != JidError.None)
            {
                return error;
            }

            destination[position] = (byte)'/';
            position += 1 + resourceLength;
        }

        written = position;
        parts = new JidParts(localLength, domainLength, resourceLength);
        return JidError.None;
    }

    /// <summary>Normalizes a localpart alone (also the SASL username rules of RFC 6120 §6.3.8).</summary>
    public static JidError TryNormalizeLocalpart(ReadOnlySpan<byte> input, Span<byte> destination, out int written)
    {
        written = 0;
        if (input.IsEmpty)
        {
            return JidError.Malformed;
        }

        if (input.Length > MaxPartInputBytes)
        {
            return JidError.TooLong;
        }

        // One vectorized pass decides the common case; the allowed set is ASCII, so a miss is either a
        // forbidden ASCII character or text for the PRECIS path.
        if (input.IndexOfAnyExcept(LocalpartAscii) >= 0)
        {
            return Ascii.IsValid(input) ? JidError.Malformed : PrecisEnforcer.Localpart(input, destination, MaxPartBytes, out written);
        }

        return CheckRoom(input.Length, destination) is var room && room != JidError.None
            ? room
            : LowerInto(input, destination, out written);
    }

    /// <summary>Normalizes a resourcepart alone (resource binding, RFC 6120 §7.7).</summary>
    public static JidError TryNormalizeResourcepart(ReadOnlySpan<byte> input, Span<byte> destination, out int written)
    {
        written = 0;
        if (input.IsEmpty)
        {
            return JidError.Malformed;
        }

        if (input.Length > MaxPartInputBytes)
        {
            return JidError.TooLong;
        }

        // Printable ASCII and space are all valid OpaqueString and map to themselves.
        if (input.IndexOfAnyExceptInRange((byte)0x20, (byte)0x7E) >= 0)
        {
            return Ascii.IsValid(input)
                ? JidError.Malformed
                : PrecisEnforcer.OpaqueString(input, destination, MaxPartBytes, out written);
        }

        var room = CheckRoom(input.Length, destination);
        if (room != JidError.None)
        {
            return room;
        }

        input.CopyTo(destination);
        written = input.Length;
        return JidError.None;
    }

    /// <summary>Normalizes a domainpart alone (configured domains, stream headers).</summary>
    public static JidError TryNormalizeDomainpart(ReadOnlySpan<byte> input, Span<byte> destination, out int written)
    {
        written = 0;
        if (input.IsEmpty)
        {
            return JidError.Malformed;
        }

        if (input.Length > MaxPartInputBytes)
        {
            return JidError.TooLong;
        }

        if (input[0] == (byte)'[')
        {
            return IpLiteral(input, destination, out written);
        }

        // Anything but ASCII letters, digits, '-', '_' and '.' is either invalid ASCII or IDNA's business.
        if (input.IndexOfAnyExcept(DomainAscii) >= 0)
        {
            return Ascii.IsValid(input) ? JidError.Malformed : IdnaDomain.Normalize(input, destination, MaxPartBytes, out written);
        }

        var name = input[^1] == (byte)'.' ? input[..^1] : input;
        if (name.IsEmpty || name.Length > MaxPartBytes)
        {
            return name.IsEmpty ? JidError.Malformed : JidError.TooLong;
        }

        for (var rest = name; ;)
        {
            var dot = rest.IndexOf((byte)'.');
            var label = dot < 0 ? rest : rest[..dot];
            if (label.IsEmpty || label.Length > 63 || label[0] == (byte)'-' || label[^1] == (byte)'-')
            {
                return JidError.Malformed;
            }

            // An A-label must become its U-label (RFC 7622 §3.2.1).
            if (label.Length >= 4 && (label[0] | 0x20) == 'x' && (label[1] | 0x20) == 'n' && label[2] == '-' && label[3] == '-')
            {
                return IdnaDomain.Normalize(input, destination, MaxPartBytes, out written);
            }

            if (dot < 0)
            {
                break;
            }

            rest = rest[(dot + 1)..];
        }

        var room = CheckRoom(name.Length, destination);
        return room != JidError.None ? room : LowerInto(name, destination, out written);
    }

    private static JidError IpLiteral(ReadOnlySpan<byte> input, Span<byte> destination, out int written)
    {
        written = 0;

        // RFC 7622 §3.2: an IP-literal per RFC 3986 — IPv6 in brackets; no zone identifier.
        if (input.Length < 4 || input[^1] != (byte)']')
        {
            return JidError.Malformed;
        }

        var inner = input[1..^1];
        if (inner.IndexOf((byte)':') < 0 || inner.IndexOfAny("%[]"u8) >= 0 || !IPAddress.IsValidUtf8(inner))
        {
            return JidError.Malformed;
        }

        var room = CheckRoom(input.Length, destination);
        return room != JidError.None ? room : LowerInto(input, destination, out written);
    }

    /// <summary>The room after a separator at <paramref name="separator"/> (-1: none), empty when there is none.</summary>
    private static Span<byte> After(Span<byte> destination, int separator)
        => separator + 1 < destination.Length ? destination[(separator + 1)..] : default;

    private static JidError CheckRoom(int length, Span<byte> destination)
        => length > MaxPartBytes ? JidError.TooLong
            : length > destination.Length ? JidError.DestinationTooSmall
            : JidError.None;

    private static JidError LowerInto(ReadOnlySpan<byte> input, Span<byte> destination, out int written)
    {
        Ascii.ToLower(input, destination, out written);
        return JidError.None;
    }
}
