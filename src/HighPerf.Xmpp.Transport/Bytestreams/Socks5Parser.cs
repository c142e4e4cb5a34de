namespace HighPerf.Xmpp.Transport.Bytestreams;

/// <summary>
/// The two client messages of RFC 1928 that XEP-0065 uses, parsed from bytes as they arrive: the method
/// selection (VER NMETHODS METHODS) and the request (VER CMD RSV ATYP DST.ADDR DST.PORT). XEP-0065 allows only
/// "no authentication", CONNECT and a domain-name address of 40 hex digits (the SHA-1 destination address).
/// </summary>
internal static class Socks5Parser
{
    public const byte Version = 5;
    public const byte NoAuthentication = 0;
    public const byte Connect = 1;
    public const byte DomainName = 3;
    public const int AddressLength = 40;

    /// <summary>The longest request: VER CMD RSV ATYP LEN, 255 address bytes, 2 port bytes.</summary>
    public const int MaxRequestBytes = 5 + 255 + 2;

    /// <summary>The longest method selection: VER NMETHODS and 255 methods.</summary>
    public const int MaxGreetingBytes = 2 + 255;

    /// <summary>Parses the method selection; <paramref name="consumed"/> is its length when complete.</summary>
    public static Socks5Parse ParseGreeting(ReadOnlySpan<byte> input, out int consumed)
    {
        consumed = 0;
        if (input.Length < 2)
        {
            return input.Length == 1 && input[0] != Version ? Socks5Parse.BadVersion : Socks5Parse.NeedMore;
        }

        if (input[0] != Version)
        {
            return Socks5Parse.BadVersion;
        }

        var count = input[1];
        if (count == 0)
        {
            return Socks5Parse.NoAcceptableMethod;
        }

        if (input.Length < 2 + count)
        {
            return Socks5Parse.NeedMore;
        }

        consumed = 2 + count;
        return input.Slice(2, count).IndexOf(NoAuthentication) >= 0 ? Socks5Parse.Complete : Socks5Parse.NoAcceptableMethod;
    }

    /// <summary>Parses the request; on <see cref="Socks5Parse.Complete"/> <paramref name="address"/> is the
    /// destination address (40 lowercase hex digits, as XEP-0065 requires) and <paramref name="port"/> its port.</summary>
    public static Socks5Parse ParseRequest(ReadOnlySpan<byte> input, out int consumed, out ReadOnlySpan<byte> address, out ushort port)
    {
        consumed = 0;
        address = default;
        port = 0;
        if (input.Length >= 1 && input[0] != Version)
        {
            return Socks5Parse.BadVersion;
        }

        if (input.Length < 5)
        {
            return Socks5Parse.NeedMore;
        }

        if (input[2] != 0)
        {
            return Socks5Parse.Malformed; // RSV must be zero
        }

        if (input[1] != Connect)
        {
            return Socks5Parse.CommandNotSupported;
        }

        if (input[3] != DomainName)
        {
            return Socks5Parse.AddressTypeNotSupported;
        }

        var length = input[4];
        if (input.Length < 5 + length + 2)
        {
            return Socks5Parse.NeedMore;
        }

        consumed = 5 + length + 2;
        address = input.Slice(5, length);
        port = (ushort)((input[5 + length] << 8) | input[6 + length]);
        return IsDestinationAddress(address) ? Socks5Parse.Complete : Socks5Parse.NotADestinationAddress;
    }

    /// <summary>40 hex digits (XEP-0065 §5.3.2: the hex-encoded SHA-1); upper case is accepted and compared as lower.</summary>
    public static bool IsDestinationAddress(ReadOnlySpan<byte> address)
    {
        if (address.Length != AddressLength)
        {
            return false;
        }

        foreach (var b in address)
        {
            if (!char.IsAsciiHexDigit((char)b))
            {
                return false;
            }
        }

        return true;
    }
}

internal enum Socks5Parse : byte
{
    NeedMore,
    Complete,
    BadVersion,
    NoAcceptableMethod,
    Malformed,
    CommandNotSupported,
    AddressTypeNotSupported,
    NotADestinationAddress,
}
