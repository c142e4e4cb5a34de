namespace HighPerf.Xmpp.Transport.Bytestreams;

/// <summary>The server's RFC 1928 messages.</summary>
internal static class Socks5Replies
{
    /// <summary>Method selection: no authentication (XEP-0065 needs none; the XMPP side authorizes activation).</summary>
    public static ReadOnlySpan<byte> NoAuthentication => [5, 0];

    /// <summary>Method selection: none of the offered methods is acceptable; the client closes.</summary>
    public static ReadOnlySpan<byte> NoAcceptableMethod => [5, 0xFF];

    public const byte Succeeded = 0;
    public const byte GeneralFailure = 1;
    public const byte NotAllowed = 2;
    public const byte HostUnreachable = 4;
    public const byte CommandNotSupported = 7;
    public const byte AddressTypeNotSupported = 8;

    /// <summary>A reply carrying the client's own address back as BND.ADDR/BND.PORT (XEP-0065 §5.3.2).</summary>
    public static int WriteReply(Span<byte> destination, byte status, ReadOnlySpan<byte> address, ushort port)
    {
        destination[0] = 5;
        destination[1] = status;
        destination[2] = 0;
        destination[3] = Socks5Parser.DomainName;
        destination[4] = (byte)address.Length;
        address.CopyTo(destination[5..]);
        destination[5 + address.Length] = (byte)(port >> 8);
        destination[6 + address.Length] = (byte)port;
        return 7 + address.Length;
    }

    /// <summary>A failure reply for a request whose address cannot be echoed (unsupported command or address type).</summary>
    public static int WriteFailure(Span<byte> destination, byte status)
    {
        // ATYP IPv4 0.0.0.0:0, as RFC 1928 §6 leaves BND.* meaningless on failure.
        ReadOnlySpan<byte> reply = [5, 0, 0, 1, 0, 0, 0, 0, 0, 0];
        reply.CopyTo(destination);
        destination[1] = status;
        return reply.Length;
    }
}
