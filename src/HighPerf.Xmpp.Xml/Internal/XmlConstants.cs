namespace HighPerf.Xmpp.Xml.Internal;

/// <summary>Fixed names and namespace URIs the XML layer itself must know.</summary>
internal static class XmlConstants
{
    public static ReadOnlySpan<byte> XmlNamespace => "http://www.w3.org/XML/1998/namespace"u8;

    public static ReadOnlySpan<byte> XmlnsNamespace => "http://www.w3.org/2000/xmlns/"u8;

    public static ReadOnlySpan<byte> StreamsNamespace => "http://etherx.jabber.org/streams"u8;

    public static ReadOnlySpan<byte> Xml => "xml"u8;

    public static ReadOnlySpan<byte> Xmlns => "xmlns"u8;

    public static ReadOnlySpan<byte> Stream => "stream"u8;

    public static ReadOnlySpan<byte> CDataOpen => "<![CDATA["u8;

    public static ReadOnlySpan<byte> XmlDeclarationOpen => "<?xml"u8;
}
