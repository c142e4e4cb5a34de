namespace HighPerf.Xmpp.Http.Framing;

/// <summary>Namespaces and fixed markup of the HTTP bindings (RFC 7395, XEP-0124, XEP-0206).</summary>
internal static class FramingNames
{
    public static ReadOnlySpan<byte> NsFraming => "urn:ietf:params:xml:ns:xmpp-framing"u8;

    public static ReadOnlySpan<byte> NsStreams => "http://etherx.jabber.org/streams"u8;

    public static ReadOnlySpan<byte> NsHttpBind => "http://jabber.org/protocol/httpbind"u8;

    public static ReadOnlySpan<byte> NsXBosh => "urn:xmpp:xbosh"u8;

    public static ReadOnlySpan<byte> StreamPrefixDeclaration => " xmlns:stream='http://etherx.jabber.org/streams'"u8;

    /// <summary>What the session's tokenizer is fed for a client's &lt;open/&gt; (or a BOSH session start / restart):
    /// the header a TCP client would send, with the client's to / version / xml:lang appended.</summary>
    public static ReadOnlySpan<byte> SyntheticHeaderStart => "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'"u8;

    public static ReadOnlySpan<byte> SyntheticStreamClose => "</stream:stream>"u8;

    public static ReadOnlySpan<byte> OpenStart => "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing'"u8;

    public static ReadOnlySpan<byte> Close => "<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>"u8;
}
