using HighPerf.Xmpp.Xml.Tests.Support;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Xml.Tests.Tokenizer;

public class StreamHeaderTests
{
    [Fact]
    public void Initial_stream_header_reports_its_attributes_and_namespaces()
    {
        const string header = "<stream:stream from='juliet@im.example.com' to='im.example.com' version='1.0' xml:lang='en' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";
        var result = Tokenize.Whole("<?xml version='1.0'?>\n" + header);

        Assert.Equal(XmlStreamError.None, result.Error);
        var open = result.Header;
        Assert.Equal(header, open.RawText);
        Assert.Equal("stream", open.LocalName);
        Assert.Equal(Streams.StreamsNs, open.Namespace);
        Assert.Equal("jabber:client", open.DefaultNamespace);
        Assert.Equal("juliet@im.example.com", open.Value("from"));
        Assert.Equal("im.example.com", open.Value("to"));
        Assert.Equal("1.0", open.Value("version"));
        Assert.Equal("en", open.Value("xml:lang"));
        Assert.Null(open.Value("id"));
        Assert.Equal(header.IndexOf(" to='", StringComparison.Ordinal), open.Attributes["to"].AttributeStart);
        Assert.Equal(header.IndexOf(" to='", StringComparison.Ordinal) + 5, open.Attributes["to"].ValueStart);
    }

    [Fact]
    public void Response_stream_header_reports_the_stream_id()
    {
        var result = Tokenize.Whole("<?xml version='1.0'?><stream:stream from='im.example.com' id='++TR84Sm6A3hnt3Q065SnAbbk3Y=' to='juliet@im.example.com' version='1.0' xml:lang='en' xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams'>");

        Assert.Equal("++TR84Sm6A3hnt3Q065SnAbbk3Y=", result.Header.Value("id"));
        Assert.Equal("jabber:server", result.Header.DefaultNamespace);
    }

    [Theory]
    [InlineData("")]
    [InlineData("<?xml version='1.0'?>")]
    [InlineData("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")]
    [InlineData("<?xml version='1.0' encoding='utf-8' standalone='yes' ?>")]
    [InlineData("\uFEFF")]
    [InlineData("\uFEFF<?xml version='1.0'?>\r\n")]
    [InlineData("\n\n   ")]
    public void Optional_byte_order_mark_declaration_and_whitespace_precede_the_header(string prolog)
    {
        var result = Tokenize.Whole(prolog + Streams.ClientHeader + "<presence/>");

        Assert.Equal(XmlStreamError.None, result.Error);
        Assert.Equal(["open", "element"], result.Captured.Select(c => c.Kind));
    }

    [Fact]
    public void Stream_prefix_other_than_stream_is_accepted_and_closes_with_the_same_name()
    {
        var result = Tokenize.Whole("<s:stream xmlns='jabber:client' xmlns:s='http://etherx.jabber.org/streams'><s:features/><message/></s:stream>");

        Assert.Equal(XmlStreamError.None, result.Error);
        Assert.Equal(Streams.StreamsNs, result.Header.Namespace);
        Assert.Equal(Streams.StreamsNs, result.Element(0).Namespace);
        Assert.Equal("features", result.Element(0).LocalName);
        Assert.Equal("jabber:client", result.Element(1).Namespace);
        Assert.Equal("close", result.Captured[^1].Kind);
    }

    [Fact]
    public void Stream_in_the_default_namespace_without_prefix_is_accepted()
    {
        var result = Tokenize.Whole("<stream xmlns='http://etherx.jabber.org/streams'><features/></stream>");

        Assert.Equal(XmlStreamError.None, result.Error);
        Assert.Equal(Streams.StreamsNs, result.Element(0).Namespace);
        Assert.Equal(Streams.StreamsNs, result.Header.DefaultNamespace);
    }

    [Fact]
    public void Header_without_default_namespace_reports_an_empty_one_and_stanzas_have_no_namespace()
    {
        var result = Tokenize.Whole("<stream:stream xmlns:stream='http://etherx.jabber.org/streams'><message/>");

        Assert.Equal(string.Empty, result.Header.DefaultNamespace);
        Assert.Equal(string.Empty, result.Element(0).Namespace);
    }

    [Fact]
    public void Prefixes_declared_on_the_header_resolve_in_stanzas()
    {
        var result = Tokenize.Whole("<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' xmlns:db='jabber:server:dialback'><db:result from='a' to='b'>key</db:result>");

        Assert.Equal(XmlStreamError.None, result.Error);
        Assert.Equal("result", result.Element(0).LocalName);
        Assert.Equal("jabber:server:dialback", result.Element(0).Namespace);
    }

    [Fact]
    public void Stream_close_is_reported_and_whitespace_after_it_is_ignored()
    {
        var result = Tokenize.Whole(Streams.ClientHeader + "</stream:stream >\r\n ");

        Assert.Equal(XmlStreamError.None, result.Error);
        Assert.Equal(["open", "close"], result.Captured.Select(c => c.Kind));
    }

    [Fact]
    public void Reset_starts_a_new_stream_with_its_own_declaration_and_namespaces()
    {
        using var tokenizer = new XmlStreamTokenizer();
        var log = new EventLog();
        var first = Tokenize.Pieces(tokenizer, Tokenize.Bytes("<?xml version='1.0'?>" + Streams.ClientHeader + "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"), [], log);
        Assert.Equal(XmlStreamError.None, first.Error);

        tokenizer.Reset();
        var second = Tokenize.Pieces(tokenizer, Tokenize.Bytes("<?xml version='1.0'?><stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams'><message/>"), [], log);

        Assert.Equal(XmlStreamError.None, second.Error);
        Assert.Equal(["open", "element", "open", "element"], log.Captured.Select(c => c.Kind));
        Assert.Equal("jabber:server", log.Captured[^1].Namespace);
    }

    [Fact]
    public void Reset_clears_a_failed_state()
    {
        using var tokenizer = new XmlStreamTokenizer();
        var log = new EventLog();
        Assert.Equal(XmlStreamError.NotWellFormed, Tokenize.Pieces(tokenizer, Tokenize.Bytes("garbage"), [], log).Error);
        Assert.Equal(XmlStreamError.NotWellFormed, Tokenize.Pieces(tokenizer, Tokenize.Bytes(Streams.ClientHeader), [], log).Error);

        tokenizer.Reset();

        Assert.Equal(XmlStreamError.None, Tokenize.Pieces(tokenizer, Tokenize.Bytes(Streams.ClientHeader), [], log).Error);
    }
}
