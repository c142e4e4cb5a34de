namespace HighPerf.Xmpp.Core.Sasl;

/// <summary>Pieces of the SCRAM message grammar (RFC 5802 §7).</summary>
internal static class ScramSyntax
{
    /// <summary>
    /// Reads <c>name=value</c> at the start of <paramref name="message"/>, the value running to the next ','
    /// (or the end); <paramref name="message"/> is left at that ',' (or empty). False when the attribute name
    /// differs or its '=' is missing.
    /// </summary>
    public static bool TryTake(ref ReadOnlySpan<byte> message, byte name, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (message.Length < 2 || message[0] != name || message[1] != (byte)'=')
        {
            return false;
        }

        var comma = message.IndexOf((byte)',');
        value = comma < 0 ? message[2..] : message[2..comma];
        message = comma < 0 ? default : message[comma..];
        return true;
    }

    /// <summary><see cref="TryTake"/> for an attribute that must follow a ','.</summary>
    public static bool TryTakeNext(ref ReadOnlySpan<byte> message, byte name, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (message.IsEmpty || message[0] != (byte)',')
        {
            return false;
        }

        message = message[1..];
        return TryTake(ref message, name, out value);
    }

    /// <summary>saslname: ',' arrives as "=2C" and '=' as "=3D"; any other '=' (or a NUL) is malformed.</summary>
    public static bool TryDecodeSaslName(ReadOnlySpan<byte> value, Span<byte> destination, out int written)
    {
        written = 0;
        if (value.IsEmpty)
        {
            return false;
        }

        for (var i = 0; i < value.Length; i++)
        {
            var b = value[i];
            if (b == 0)
            {
                return false;
            }

            if (b == (byte)'=')
            {
                if (i + 2 >= value.Length || value[i + 1] is not ((byte)'2' or (byte)'3'))
                {
                    return false;
                }

                var low = (byte)(value[i + 2] | 0x20);
                b = value[i + 1] == (byte)'2' && low == (byte)'c' ? (byte)','
                    : value[i + 1] == (byte)'3' && low == (byte)'d' ? (byte)'='
                    : (byte)0;
                if (b == 0)
                {
                    return false;
                }

                i += 2;
            }

            destination[written++] = b;
        }

        return true;
    }

    /// <summary>c-nonce: printable ASCII except ','.</summary>
    public static bool IsNonce(ReadOnlySpan<byte> nonce)
        => !nonce.IsEmpty && nonce.IndexOfAnyExceptInRange((byte)0x21, (byte)0x7E) < 0 && nonce.IndexOf((byte)',') < 0;

    /// <summary>What follows the last known attribute: nothing, or "," extensions (attr-val: a letter, '=', a value), which are ignored.</summary>
    public static bool AreExtensions(ReadOnlySpan<byte> rest)
    {
        if (rest.IsEmpty)
        {
            return true;
        }

        if (rest[0] != (byte)',')
        {
            return false;
        }

        rest = rest[1..];
        foreach (var range in rest.Split((byte)','))
        {
            var attribute = rest[range];
            if (attribute.Length < 2 || !char.IsAsciiLetter((char)attribute[0]) || attribute[1] != (byte)'=')
            {
                return false;
            }
        }

        return true;
    }
}
