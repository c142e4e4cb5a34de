using System.Buffers;
using System.Security.Cryptography;
using System.Text.Unicode;
using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Addressing.Unicode;
using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Core.Sasl;

/// <summary>
/// Derives and checks the stored SCRAM credentials (RFC 5802 §3, RFC 7677) for both SHA-1 and SHA-256 from
/// one password and salt. The password is prepared with PRECIS OpaqueString (RFC 8265 §4.2, the successor
/// of SASLprep) first, as a SCRAM client does. The server never stores the password itself.
/// </summary>
public static class ScramCredentials
{
    /// <summary>RFC 5802 §5.1's minimum, also the default: cost grows linearly for us and for an attacker.</summary>
    public const int MinIterations = 4096;

    public const int DefaultIterations = 4096;

    public const int DefaultSaltLength = 16;

    /// <summary>The room <see cref="SaltBuffer"/> has.</summary>
    public const int MaxSaltLength = 32;

    /// <summary>Longest password in bytes after preparation.</summary>
    public const int MaxPasswordBytes = JidNormalizer.MaxPartBytes;

    /// <summary>Derives credentials with a fresh random salt. Throws <see cref="ArgumentException"/> for a password OpaqueString rejects.</summary>
    public static AccountRecord Derive(ReadOnlySpan<char> password, int iterations = DefaultIterations)
    {
        Span<byte> salt = stackalloc byte[DefaultSaltLength];
        RandomNumberGenerator.Fill(salt);
        return Derive(password, salt, iterations);
    }

    public static AccountRecord Derive(ReadOnlySpan<char> password, ReadOnlySpan<byte> salt, int iterations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, MinIterations);
        if (salt.IsEmpty || salt.Length > MaxSaltLength)
        {
            throw new ArgumentException("The salt must be 1 to 32 bytes.", nameof(salt));
        }

        Span<byte> prepared = stackalloc byte[MaxPasswordBytes];
        if (!TryPrepare(password, prepared, out var length))
        {
            throw new ArgumentException("The password is empty, too long, or has characters PRECIS OpaqueString forbids.", nameof(password));
        }

        var record = new AccountRecord
        {
            Iterations = iterations,
            SaltLength = (byte)salt.Length,
            CreatedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        };
        salt.CopyTo(record.Salt);
        Span<byte> salted = stackalloc byte[ScramHash.MaxSize];
        foreach (var sha256 in (ReadOnlySpan<bool>)[false, true])
        {
            var size = ScramHash.Size(sha256);
            ScramHash.SaltedPassword(sha256, prepared[..length], salt, iterations, salted[..size]);
            if (sha256)
            {
                ScramHash.Keys(true, salted[..size], record.Sha256StoredKey[..size], record.Sha256ServerKey[..size]);
            }
            else
            {
                ScramHash.Keys(false, salted[..size], record.Sha1StoredKey[..size], record.Sha1ServerKey[..size]);
            }
        }

        CryptographicOperations.ZeroMemory(salted);
        CryptographicOperations.ZeroMemory(prepared);
        return record;
    }

    /// <summary>
    /// Checks a password against stored credentials (for PLAIN): recomputes SaltedPassword from the stored salt
    /// and iterations and compares the SHA-256 StoredKey in fixed time. Costs one PBKDF2.
    /// </summary>
    public static bool VerifyPassword(in AccountRecord record, ReadOnlySpan<char> password)
    {
        Span<byte> prepared = stackalloc byte[MaxPasswordBytes];
        var ok = TryPrepare(password, prepared, out var length) && VerifyPrepared(record, prepared[..length]);
        CryptographicOperations.ZeroMemory(prepared);
        return ok;
    }

    /// <summary>PLAIN's path: <paramref name="password"/> is raw UTF-8 from the client.</summary>
    internal static bool VerifyPasswordUtf8(in AccountRecord record, ReadOnlySpan<byte> password)
    {
        Span<byte> prepared = stackalloc byte[MaxPasswordBytes];
        var ok = TryPrepare(password, prepared, out var length) && VerifyPrepared(record, prepared[..length]);
        CryptographicOperations.ZeroMemory(prepared);
        return ok;
    }

    /// <summary>OpaqueString on UTF-8: printable ASCII maps to itself; anything else takes the PRECIS path.</summary>
    internal static bool TryPrepare(ReadOnlySpan<byte> password, Span<byte> destination, out int written)
    {
        written = 0;
        if (password.IsEmpty || password.Length > JidNormalizer.MaxPartInputBytes)
        {
            return false;
        }

        if (password.IndexOfAnyExceptInRange((byte)0x20, (byte)0x7E) < 0)
        {
            if (password.Length > destination.Length)
            {
                return false;
            }

            password.CopyTo(destination);
            written = password.Length;
            return true;
        }

        return PrecisEnforcer.OpaqueString(password, destination, MaxPasswordBytes, out written) == JidError.None;
    }

    private static bool TryPrepare(ReadOnlySpan<char> password, Span<byte> destination, out int written)
    {
        written = 0;
        var maxUtf8 = password.Length * 3;
        if (password.IsEmpty || maxUtf8 > JidNormalizer.MaxPartInputBytes * 3)
        {
            return false;
        }

        var rented = ArrayPool<byte>.Shared.Rent(maxUtf8);
        try
        {
            // Lone surrogates are not text: reject rather than replace.
            return Utf8.FromUtf16(password, rented, out _, out var utf8Length, replaceInvalidSequences: false) == OperationStatus.Done
                && TryPrepare(rented.AsSpan(0, utf8Length), destination, out written);
        }
        finally
        {
            Array.Clear(rented, 0, maxUtf8);
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    internal static bool VerifyPrepared(in AccountRecord record, ReadOnlySpan<byte> prepared)
    {
        const int size = ScramHash.MaxSize;
        Span<byte> salted = stackalloc byte[size];
        Span<byte> storedKey = stackalloc byte[size];
        Span<byte> serverKey = stackalloc byte[size];
        ScramHash.SaltedPassword(true, prepared, record.Salt[..record.SaltLength], record.Iterations, salted);
        ScramHash.Keys(true, salted, storedKey, serverKey);
        var ok = CryptographicOperations.FixedTimeEquals(storedKey, record.Sha256StoredKey[..size]);
        CryptographicOperations.ZeroMemory(salted);
        return ok;
    }
}
