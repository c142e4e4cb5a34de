using System.Security.Cryptography;

namespace HighPerf.Xmpp.Core.Federation;

/// <summary>
/// Dialback keys (XEP-0185 §3): HMAC-SHA256 keyed with SHA-256 of the server's secret over
/// "{Receiving Server} {Originating Server} {Stream ID}", in lower-case hex. Any node that knows the secret
/// can verify a key without remembering it, so keys need no storage.
/// </summary>
public sealed class DialbackKey
{
    /// <summary>Hex characters of a key.</summary>
    public const int Length = 64;

    private readonly byte[] _hashedSecret;

    public DialbackKey(ReadOnlySpan<byte> secret)
    {
        _hashedSecret = SHA256.HashData(secret);
    }

    /// <summary>Writes the key for a stream from <paramref name="originating"/> to <paramref name="receiving"/>
    /// with id <paramref name="streamId"/> into <paramref name="destination"/> (<see cref="Length"/> bytes).</summary>
    public void Write(ReadOnlySpan<byte> receiving, ReadOnlySpan<byte> originating, ReadOnlySpan<byte> streamId, Span<byte> destination)
    {
        var length = receiving.Length + 1 + originating.Length + 1 + streamId.Length;
        Span<byte> text = length <= 1024 ? stackalloc byte[length] : new byte[length];
        receiving.CopyTo(text);
        text[receiving.Length] = (byte)' ';
        originating.CopyTo(text[(receiving.Length + 1)..]);
        text[receiving.Length + 1 + originating.Length] = (byte)' ';
        streamId.CopyTo(text[(receiving.Length + 2 + originating.Length)..]);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_hashedSecret, text, mac);
        Convert.TryToHexStringLower(mac, destination, out _);
    }

    /// <summary>True when <paramref name="key"/> (as received, whitespace trimmed) is the key for that stream.</summary>
    public bool Verify(ReadOnlySpan<byte> receiving, ReadOnlySpan<byte> originating, ReadOnlySpan<byte> streamId, ReadOnlySpan<byte> key)
    {
        key = key.Trim(" \t\r\n"u8);
        if (key.Length != Length)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[Length];
        Write(receiving, originating, streamId, expected);
        Span<byte> lower = stackalloc byte[Length];
        for (var i = 0; i < Length; i++)
        {
            lower[i] = key[i] is >= (byte)'A' and <= (byte)'F' ? (byte)(key[i] | 0x20) : key[i];
        }

        return CryptographicOperations.FixedTimeEquals(expected, lower);
    }
}
