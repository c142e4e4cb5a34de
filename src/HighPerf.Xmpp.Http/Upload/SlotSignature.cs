using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace HighPerf.Xmpp.Http.Upload;

/// <summary>
/// The PUT URL's proof that this server issued the slot: HMAC-SHA256, under a key kept in the upload folder, of
/// everything the URL grants (slot, file name, size, content type, owner, expiry). A client can change none of
/// them without the signature failing, and the server keeps no per-slot state to check it (slots survive a
/// restart). GET URLs need no signature: the slot id is 128 random bits.
/// </summary>
internal sealed class SlotSignature(byte[] key)
{
    public const int KeyBytes = 32;

    public string Sign(string slotId, string filename, long size, string contentType, string owner, long expiresUnix)
    {
        var mac = Compute(slotId, filename, size, contentType, owner, expiresUnix);
        return Base64Url.EncodeToString(mac);
    }

    public bool Verify(string signature, string slotId, string filename, long size, string contentType, string owner, long expiresUnix)
    {
        Span<byte> given = stackalloc byte[HMACSHA256.HashSizeInBytes + 4];
        if (!Base64Url.TryDecodeFromChars(signature, given, out var length) || length != HMACSHA256.HashSizeInBytes)
        {
            return false;
        }

        var expected = Compute(slotId, filename, size, contentType, owner, expiresUnix);
        return CryptographicOperations.FixedTimeEquals(expected, given[..length]);
    }

    /// <summary>A fresh slot id: 16 random bytes, base64url (22 characters).</summary>
    public static string NewSlotId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));

    public static bool IsSlotId(string value)
    {
        if (value.Length != 22)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_'))
            {
                return false;
            }
        }

        return true;
    }

    private byte[] Compute(string slotId, string filename, long size, string contentType, string owner, long expiresUnix)
    {
        // Fields joined by NUL, which none of them may contain (file names and content types are checked).
        var text = string.Join('\0', "put", slotId, filename, size.ToString(CultureInfo.InvariantCulture), contentType, owner,
            expiresUnix.ToString(CultureInfo.InvariantCulture));
        return HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(text));
    }
}
