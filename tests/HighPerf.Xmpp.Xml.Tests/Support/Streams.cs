namespace HighPerf.Xmpp.Xml.Tests.Support;

public static class Streams
{
    public const string StreamsNs = "http://etherx.jabber.org/streams";

    /// <summary>A client stream header as in RFC 6120 §4.2 examples.</summary>
    public const string ClientHeader =
        "<stream:stream from='juliet@im.example.com' to='im.example.com' version='1.0' xml:lang='en' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";

    public static string InClientStream(string stanzas) => ClientHeader + stanzas;
}
