namespace HighPerf.Xmpp.Transport.Tests.Tls;

/// <summary>A minimal ClientHello for an old protocol version, which no current client library will send any more.</summary>
internal static class RawClientHello
{
    public static byte[] Create(int version)
    {
        var body = new List<byte> { (byte)(version >> 8), (byte)version };
        body.AddRange(Enumerable.Range(0, 32).Select(i => (byte)i)); // random
        body.Add(0); // session id
        body.AddRange(new byte[] { 0, 4, 0x00, 0x2f, 0x00, 0x35 }); // AES128-SHA, AES256-SHA
        body.AddRange(new byte[] { 1, 0 }); // null compression
        var handshake = new List<byte> { 1, 0, (byte)(body.Count >> 8), (byte)body.Count };
        handshake.AddRange(body);
        var record = new List<byte> { 22, 3, 1, (byte)(handshake.Count >> 8), (byte)handshake.Count };
        record.AddRange(handshake);
        return record.ToArray();
    }
}
