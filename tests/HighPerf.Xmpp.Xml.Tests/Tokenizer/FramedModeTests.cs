using HighPerf.Xmpp.Xml.Tests.Support;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Xml.Tests.Tokenizer;

/// <summary>RFC 7395 (WebSocket) framing: every top-level element is reported, &lt;open/&gt; and &lt;close/&gt; included.</summary>
public class FramedModeTests
{
    private const string Framing = "urn:ietf:params:xml:ns:xmpp-framing";

    [Fact]
    public void Open_stanzas_and_close_are_all_reported_as_elements()
    {
        var result = Tokenize.Whole(
            "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='example.com' version='1.0'/>" +
            "<message xmlns='jabber:client' to='romeo@example.net'><body>hi</body></message>" +
            "<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>",
            XmlStreamMode.Framed);

        Assert.Equal(XmlStreamError.None, result.Error);
        Assert.Equal(["element", "element", "element"], result.Captured.Select(c => c.Kind));
        Assert.Equal("open", result.Element(0).LocalName);
        Assert.Equal(Framing, result.Element(0).Namespace);
        Assert.Equal("example.com", result.Element(0).Value("to"));
        Assert.Equal("jabber:client", result.Element(1).Namespace);
        Assert.Equal("close", result.Element(2).LocalName);
    }

    [Fact]
    public void Elements_without_a_declaration_have_no_namespace()
    {
        Assert.Equal(string.Empty, Tokenize.Whole("<message/>", XmlStreamMode.Framed).Element(0).Namespace);
    }

    [Fact]
    public void Stream_prefix_must_be_declared_on_each_element()
    {
        var result = Tokenize.Whole("<stream:features xmlns:stream='http://etherx.jabber.org/streams'/>", XmlStreamMode.Framed);

        Assert.Equal(Streams.StreamsNs, result.Element(0).Namespace);
        Assert.Equal(XmlStreamError.NotWellFormed, Tokenize.Whole("<stream:features/>", XmlStreamMode.Framed).Error);
    }

    [Fact]
    public void Declaration_whitespace_and_every_split_point_give_the_same_elements()
    {
        var input = Tokenize.Bytes("<?xml version='1.0'?>\n<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='example.com' version='1.0'/>\n<iq xmlns='jabber:client' type='get' id='1'><ping xmlns='urn:xmpp:ping'/></iq>");
        var whole = Tokenize.Whole(input, XmlStreamMode.Framed);
        Assert.Equal(2, whole.Events.Count);

        for (var cut = 1; cut < input.Length; cut++)
        {
            Assert.Equal(whole.Events, Tokenize.Light(input, [cut], XmlStreamMode.Framed).Events);
        }
    }

    [Theory]
    [InlineData("</message>", XmlStreamError.NotWellFormed)]
    [InlineData("<message/>text", XmlStreamError.BadFormat)]
    [InlineData("<!-- c --><message/>", XmlStreamError.RestrictedXml)]
    [InlineData("<message/><?xml version='1.0'?>", XmlStreamError.RestrictedXml)]
    public void Framed_streams_have_the_same_restrictions(string xml, XmlStreamError expected)
    {
        Assert.Equal(expected, Tokenize.Whole(xml, XmlStreamMode.Framed).Error);
    }
}
