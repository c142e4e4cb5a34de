using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace HighPerf.Xmpp.Core.Sasl;

/// <summary>The hash function H and HMAC of a SCRAM variant (RFC 5802 §2.2), one-shot and allocation-free.</summary>
[SuppressMessage("Security", "CA5350:Do Not Use Weak Cryptographic Algorithms",
    Justification = "SCRAM-SHA-1 is RFC 5802's mandatory mechanism and what many XMPP clients still pick; SHA-256 is preferred when offered.")]
internal static class ScramHash
{
    public const int MaxSize = SHA256.HashSizeInBytes;

    public static int Size(bool sha256) => sha256 ? SHA256.HashSizeInBytes : SHA1.HashSizeInBytes;

    public static HashAlgorithmName Name(bool sha256) => sha256 ? HashAlgorithmName.SHA256 : HashAlgorithmName.SHA1;

    public static void Hmac(bool sha256, ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (sha256)
        {
            HMACSHA256.HashData(key, data, destination);
        }
        else
        {
            HMACSHA1.HashData(key, data, destination);
        }
    }

    public static void Hash(bool sha256, ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (sha256)
        {
            SHA256.HashData(data, destination);
        }
        else
        {
            SHA1.HashData(data, destination);
        }
    }

    /// <summary>SaltedPassword := Hi(Normalize(password), salt, i) — PBKDF2 with HMAC-H (RFC 5802 §2.2).</summary>
    public static void SaltedPassword(bool sha256, ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, int iterations, Span<byte> destination)
        => Rfc2898DeriveBytes.Pbkdf2(password, salt, destination, iterations, Name(sha256));

    /// <summary>StoredKey := H(HMAC(SaltedPassword, "Client Key")) and ServerKey := HMAC(SaltedPassword, "Server Key").</summary>
    public static void Keys(bool sha256, ReadOnlySpan<byte> saltedPassword, Span<byte> storedKey, Span<byte> serverKey)
    {
        var size = Size(sha256);
        Span<byte> clientKey = stackalloc byte[MaxSize];
        Hmac(sha256, saltedPassword, "Client Key"u8, clientKey);
        Hash(sha256, clientKey[..size], storedKey);
        Hmac(sha256, saltedPassword, "Server Key"u8, serverKey);
        CryptographicOperations.ZeroMemory(clientKey);
    }
}
