using HighPerf.Xmpp.Core.Addressing;

namespace HighPerf.Xmpp.Modules.Register;

/// <summary>The normalized bare JID username@domain (RFC 7622), or null when the username is not a valid localpart.</summary>
internal static class AccountJid
{
    public static byte[]? TryCreate(ReadOnlySpan<byte> username, ReadOnlySpan<byte> domain)
    {
        if (username.IsEmpty || username.IndexOfAny("@/"u8) >= 0 || username.Length + 1 + domain.Length > JidNormalizer.MaxJidBytes)
        {
            return null;
        }

        Span<byte> raw = stackalloc byte[username.Length + 1 + domain.Length];
        username.CopyTo(raw);
        raw[username.Length] = (byte)'@';
        domain.CopyTo(raw[(username.Length + 1)..]);
        Span<byte> normalized = stackalloc byte[JidNormalizer.MaxJidBytes];
        if (JidNormalizer.TryNormalize(raw, normalized, out var length, out var parts) != JidError.None || !parts.HasLocal || parts.HasResource)
        {
            return null;
        }

        return normalized[..length].ToArray();
    }
}
