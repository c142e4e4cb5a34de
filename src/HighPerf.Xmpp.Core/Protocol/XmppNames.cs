namespace HighPerf.Xmpp.Core.Protocol;

/// <summary>
/// Every fixed XMPP name the core matches or writes, as UTF-8 literals in one place (Garnet's CmdStrings).
/// </summary>
public static class XmppNames
{
    // Namespaces (RFC 6120, RFC 6121 and the XEPs the core itself speaks).
    public static ReadOnlySpan<byte> NsClient => "jabber:client"u8;
    public static ReadOnlySpan<byte> NsServer => "jabber:server"u8;
    public static ReadOnlySpan<byte> NsStreams => "http://etherx.jabber.org/streams"u8;
    public static ReadOnlySpan<byte> NsStreamErrors => "urn:ietf:params:xml:ns:xmpp-streams"u8;
    public static ReadOnlySpan<byte> NsStanzaErrors => "urn:ietf:params:xml:ns:xmpp-stanzas"u8;
    public static ReadOnlySpan<byte> NsTls => "urn:ietf:params:xml:ns:xmpp-tls"u8;
    public static ReadOnlySpan<byte> NsSasl => "urn:ietf:params:xml:ns:xmpp-sasl"u8;
    public static ReadOnlySpan<byte> NsBind => "urn:ietf:params:xml:ns:xmpp-bind"u8;
    public static ReadOnlySpan<byte> NsSession => "urn:ietf:params:xml:ns:xmpp-session"u8;
    public static ReadOnlySpan<byte> NsXml => "http://www.w3.org/XML/1998/namespace"u8;

    // Stanzas.
    public static ReadOnlySpan<byte> Message => "message"u8;
    public static ReadOnlySpan<byte> Presence => "presence"u8;
    public static ReadOnlySpan<byte> Iq => "iq"u8;

    // Negotiation elements.
    public static ReadOnlySpan<byte> StartTls => "starttls"u8;
    public static ReadOnlySpan<byte> Auth => "auth"u8;
    public static ReadOnlySpan<byte> Response => "response"u8;
    public static ReadOnlySpan<byte> Abort => "abort"u8;
    public static ReadOnlySpan<byte> Bind => "bind"u8;
    public static ReadOnlySpan<byte> Resource => "resource"u8;
    public static ReadOnlySpan<byte> Session => "session"u8;
    public static ReadOnlySpan<byte> Mechanism => "mechanism"u8;

    // Attribute names and values.
    public static ReadOnlySpan<byte> To => "to"u8;
    public static ReadOnlySpan<byte> From => "from"u8;
    public static ReadOnlySpan<byte> Id => "id"u8;
    public static ReadOnlySpan<byte> Type => "type"u8;
    public static ReadOnlySpan<byte> Version1 => "1.0"u8;
    public static ReadOnlySpan<byte> Get => "get"u8;
    public static ReadOnlySpan<byte> Set => "set"u8;
    public static ReadOnlySpan<byte> Result => "result"u8;
    public static ReadOnlySpan<byte> Error => "error"u8;
}
