using System.Security.Cryptography;
using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Core.Sasl;

/// <summary>
/// Credentials for users that do not exist, so a SCRAM exchange for them looks like any other: the salt is
/// an HMAC of the user key (the same on every attempt, as a real salt is), the iteration count the
/// configured one, and the keys random-looking values no proof can match.
/// </summary>
internal static class UnknownUsers
{
    private static readonly byte[] ProcessSecret = RandomNumberGenerator.GetBytes(32);

    public static void FakeRecord(ReadOnlySpan<byte> userKey, SaslServerOptions options, out AccountRecord record)
    {
        var secret = options.UnknownUserSecret.IsEmpty ? ProcessSecret : options.UnknownUserSecret.Span;
        Span<byte> salt = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Span<byte> key = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(secret, userKey, salt);
        HMACSHA256.HashData(secret, salt, key);

        record = new AccountRecord
        {
            Iterations = options.UnknownUserIterations,
            SaltLength = ScramCredentials.DefaultSaltLength,
        };
        salt[..ScramCredentials.DefaultSaltLength].CopyTo(record.Salt);
        key.CopyTo(record.Sha256StoredKey);
        key.CopyTo(record.Sha256ServerKey);
        key.CopyTo(record.Sha1StoredKey);
        key.CopyTo(record.Sha1ServerKey);
    }
}
