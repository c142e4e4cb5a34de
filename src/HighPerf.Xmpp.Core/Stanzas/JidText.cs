using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Xml;

namespace HighPerf.Xmpp.Core.Stanzas;

/// <summary>
/// Normalizes a JID as it appears in a raw attribute value: entity references are decoded first (rare, so
/// only when an '&amp;' is present), then RFC 7622 normalization runs into the caller's buffer.
/// </summary>
public static class JidText
{
    public static bool TryNormalize(ReadOnlySpan<byte> rawValue, Span<byte> destination, out int written, out JidParts parts)
    {
        if (rawValue.IndexOf((byte)'&') < 0)
        {
            return JidNormalizer.TryNormalize(rawValue, destination, out written, out parts) == JidError.None;
        }

        Span<byte> unescaped = stackalloc byte[Math.Min(rawValue.Length, JidNormalizer.MaxJidBytes)];
        if (rawValue.Length > JidNormalizer.MaxJidBytes
            || !XmlEscaping.TryUnescape(rawValue, unescaped, out var length))
        {
            written = 0;
            parts = default;
            return false;
        }

        return JidNormalizer.TryNormalize(unescaped[..length], destination, out written, out parts) == JidError.None;
    }
}
