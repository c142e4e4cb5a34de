using System.Xml.Linq;

namespace HighPerf.Xmpp.EndToEnd.Tests.Support;

/// <summary>Names and small readers for assertions on what the server sent.</summary>
public static class Wire
{
    public static readonly XNamespace Client = "jabber:client";
    public static readonly XNamespace StanzaErrors = "urn:ietf:params:xml:ns:xmpp-stanzas";
    public static readonly XNamespace Sasl = "urn:ietf:params:xml:ns:xmpp-sasl";

    public const string StreamHeader = "<?xml version='1.0'?><stream:stream to='localhost' version='1.0' xml:lang='en' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";

    /// <summary>The defined condition of a stanza error (RFC 6120 §8.3.3), or null when the stanza is not an error.</summary>
    public static string? ErrorCondition(XElement stanza)
        => (string?)stanza.Attribute("type") != "error"
            ? null
            : stanza.Element(Client + "error")?.Elements().FirstOrDefault(e => e.Name.Namespace == StanzaErrors)?.Name.LocalName;

    /// <summary>True for the reply (any type) to the stanza with <paramref name="id"/>.</summary>
    public static Func<XElement, bool> Reply(string id) => e => (string?)e.Attribute("id") == id;

    public static Func<XElement, bool> Named(string localName) => e => e.Name.LocalName == localName;

    /// <summary>The SASL failure condition (RFC 6120 §6.5), or null.</summary>
    public static string? SaslFailure(XElement element)
        => element.Name == Sasl + "failure" ? element.Elements().FirstOrDefault(e => e.Name.LocalName != "text")?.Name.LocalName : null;
}
