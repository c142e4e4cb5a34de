using HighPerf.Xmpp.Xml.Tests.Support;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Xml.Tests.Tokenizer;

/// <summary>
/// Each bad input gives exactly one error kind, the same whether fed at once or split at any byte,
/// and the tokenizer stays failed afterwards.
/// </summary>
public class ErrorKindTests
{
    private const string H = Streams.ClientHeader;

    public static TheoryData<string, string> NotWellFormed => new()
    {
        { "mismatched end tag", H + "<message></messag>" },
        { "crossed end tags", H + "<message><body></message></body>" },
        { "end tag prefix differs", H + "<x:a xmlns:x='u' xmlns:y='u'></y:a>" },
        { "attribute in end tag", H + "<a></a x='1'>" },
        { "unquoted attribute", H + "<a x=1/>" },
        { "missing equals", H + "<a x '1'/>" },
        { "no space between attributes", H + "<a x='1'y='2'/>" },
        { "space inside empty-tag close", H + "<a / >" },
        { "duplicate attribute", H + "<a x='1' x='2'/>" },
        { "duplicate xmlns", H + "<a xmlns='u' xmlns='v'/>" },
        { "duplicate after namespace resolution", H + "<a xmlns:p='urn:u' xmlns:q='urn:u' p:x='1' q:x='2'/>" },
        { "duplicate via header prefix", "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns:h='urn:u'><a xmlns:p='urn:u' p:x='1' h:x='2'/>" },
        { "unbound element prefix", H + "<p:a/>" },
        { "unbound attribute prefix", H + "<a p:x='1'/>" },
        { "prefix bound in a sibling only", H + "<a><b xmlns:p='u'/><p:c/></a>" },
        { "xmlns prefix on element", H + "<xmlns:a/>" },
        { "declaring xmlns prefix", H + "<a xmlns:xmlns='urn:u'/>" },
        { "rebinding xml prefix", H + "<a xmlns:xml='urn:u'/>" },
        { "binding the xml namespace to another prefix", H + "<a xmlns:p='http://www.w3.org/XML/1998/namespace'/>" },
        { "default namespace is the xmlns namespace", H + "<a xmlns='http://www.w3.org/2000/xmlns/'/>" },
        { "undeclaring a prefix", H + "<a xmlns:p=''/>" },
        { "less-than in attribute", H + "<a x='<'/>" },
        { "control character in text", H + "<a>\u0001</a>" },
        { "control character in attribute", H + "<a x='\u001F'/>" },
        { "form feed in text", H + "<a>\f</a>" },
        { "NUL in text", H + "<a>\0</a>" },
        { "U+FFFE in text", H + "<a>\uFFFE</a>" },
        { "U+FFFF in attribute", H + "<a x='\uFFFF'/>" },
        { "character reference to NUL", H + "<a>&#0;</a>" },
        { "character reference to a control", H + "<a>&#1;</a>" },
        { "character reference to a surrogate", H + "<a>&#xD800;</a>" },
        { "character reference above U+10FFFF", H + "<a>&#x110000;</a>" },
        { "huge character reference", H + "<a>&#99999999999;</a>" },
        { "character reference to U+FFFE", H + "<a x='&#xFFFE;'/>" },
        { "empty character reference", H + "<a>&#;</a>" },
        { "empty hex character reference", H + "<a>&#x;</a>" },
        { "uppercase X in hex reference", H + "<a>&#X41;</a>" },
        { "bad digit in reference", H + "<a>&#12a;</a>" },
        { "empty entity reference", H + "<a>&;</a>" },
        { "unterminated reference", H + "<a>&amp </a>" },
        { "ampersand alone", H + "<a>fish & chips</a>" },
        { "cdata end in text", H + "<a>]]></a>" },
        { "name starts with digit", H + "<1a/>" },
        { "name starts with colon", H + "<:a/>" },
        { "name ends with colon", H + "<a:/>" },
        { "two colons", H + "<a:b:c xmlns:a='u'/>" },
        { "space after less-than", H + "< a/>" },
        { "illegal name character", H + "<a\u00D7b/>" },
        { "bad CDATA opener", H + "<a><![CDAT[x]]></a>" },
        { "text before the root", "hello" + H },
        { "end tag before the root", "</stream:stream>" },
        { "junk after stream close", H + "</stream:stream><presence/>" },
        { "root end tag with wrong name", H + "</stream:strea>" },
        { "root end tag without prefix", H + "</stream>" },
        { "CDATA before the root", "<![CDATA[x]]>" + H },
        { "XML declaration version 2", "<?xml version='2.0'?>" + H },
        { "XML declaration without version", "<?xml encoding='UTF-8'?>" + H },
        { "XML declaration attributes out of order", "<?xml encoding='UTF-8' version='1.0'?>" + H },
        { "XML declaration bad standalone", "<?xml version='1.0' standalone='maybe'?>" + H },
        { "XML declaration bad encoding name", "<?xml version='1.0' encoding='8-bit'?>" + H },
        { "broken byte order mark", "\u00EF<stream/>" },
    };

    public static TheoryData<byte[]> InvalidUtf8 => new()
    {
        Utf8Case([0xC0, 0x80]),                  // overlong NUL
        Utf8Case([0xE0, 0x80, 0xAF]),            // overlong '/'
        Utf8Case([0xED, 0xA0, 0x80]),            // encoded surrogate
        Utf8Case([0xF4, 0x90, 0x80, 0x80]),      // above U+10FFFF
        Utf8Case([0x80]),                        // lone continuation
        Utf8Case([0xFF]),
        Utf8Case([0xE2, 0x82, 0x41]),            // truncated sequence
        Utf8Case([0xF8, 0x88, 0x80, 0x80, 0x80]), // five-byte form
    };

    public static TheoryData<string, string> RestrictedXml => new()
    {
        { "comment in stanza", H + "<a><!-- hi --></a>" },
        { "comment between stanzas", H + "<!-- hi -->" },
        { "comment before root", "<!-- hi -->" + H },
        { "processing instruction in stanza", H + "<a><?pi data?></a>" },
        { "processing instruction between stanzas", H + "<?pi?>" },
        { "processing instruction before root", "<?xml-stylesheet href='a'?>" + H },
        { "second XML declaration", H + "<?xml version='1.0'?>" },
        { "declaration after whitespace", " <?xml version='1.0'?>" + H },
        { "doctype before root", "<!DOCTYPE stream>" + H },
        { "doctype in stanza", H + "<a><!DOCTYPE a></a>" },
        { "entity declaration in stanza", H + "<a><!ENTITY x 'y'></a>" },
        { "unknown entity", H + "<a>&nbsp;</a>" },
        { "unknown entity in attribute", H + "<a x='&foo;'/>" },
        {
            "billion laughs",
            "<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'><!ENTITY lol1 '&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;'><!ENTITY lol2 '&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;'>]>" + H + "<message><body>&lol2;</body></message>"
        },
        { "billion laughs inside the stream", H + "<!DOCTYPE lolz [<!ENTITY lol 'lol'>]><message>&lol;</message>" },
    };

    public static TheoryData<string, string> BadFormat => new()
    {
        { "stanza instead of header", "<message xmlns='jabber:client'><body/></message>" },
        { "stream element with another local name", "<stream:flow xmlns:stream='http://etherx.jabber.org/streams'>" },
        { "text between stanzas", H + "<presence/>hello<presence/>" },
        { "reference between stanzas", H + "&amp;" },
        { "non-ASCII text between stanzas", H + "\u00A0" },
        { "CDATA between stanzas", H + "<![CDATA[ ]]>" },
        { "empty stream element", "<stream:stream xmlns:stream='http://etherx.jabber.org/streams'/>" },
    };

    public static TheoryData<string, string> InvalidNamespace => new()
    {
        { "wrong streams namespace", "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streamz'>" },
        { "stream in the content namespace", "<stream xmlns='jabber:client'>" },
        { "stream in no namespace", "<stream>" },
        { "stream prefix bound to the content namespace", "<stream:stream xmlns:stream='jabber:client'>" },
    };

    public static TheoryData<string, string> UnsupportedEncoding => new()
    {
        { "latin-1 declaration", "<?xml version='1.0' encoding='ISO-8859-1'?>" + H },
        { "UTF-16 declaration", "<?xml version='1.0' encoding='UTF-16'?>" + H },
        { "UTF-8 lookalike", "<?xml version='1.0' encoding='UTF8'?>" + H },
    };

    [Theory]
    [MemberData(nameof(NotWellFormed))]
    public void Malformed_xml_is_not_well_formed(string because, string xml) => AssertError(XmlStreamError.NotWellFormed, because, Tokenize.Bytes(xml));

    [Theory]
    [MemberData(nameof(InvalidUtf8))]
    public void Invalid_utf8_is_not_well_formed(byte[] input) => AssertError(XmlStreamError.NotWellFormed, "invalid UTF-8", input);

    [Theory]
    [MemberData(nameof(RestrictedXml))]
    public void Comments_processing_instructions_dtds_and_entities_are_restricted_xml(string because, string xml) =>
        AssertError(XmlStreamError.RestrictedXml, because, Tokenize.Bytes(xml));

    [Theory]
    [MemberData(nameof(BadFormat))]
    public void Well_formed_but_invalid_streams_are_bad_format(string because, string xml) => AssertError(XmlStreamError.BadFormat, because, Tokenize.Bytes(xml));

    [Theory]
    [MemberData(nameof(InvalidNamespace))]
    public void Stream_element_outside_the_streams_namespace_is_invalid_namespace(string because, string xml) =>
        AssertError(XmlStreamError.InvalidNamespace, because, Tokenize.Bytes(xml));

    [Theory]
    [MemberData(nameof(UnsupportedEncoding))]
    public void Declared_encodings_other_than_utf8_are_unsupported(string because, string xml) =>
        AssertError(XmlStreamError.UnsupportedEncoding, because, Tokenize.Bytes(xml));

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFE, (byte)'<', 0 })]
    [InlineData(new byte[] { 0xFE, 0xFF, 0, (byte)'<' })]
    [InlineData(new byte[] { (byte)'<', 0, (byte)'?', 0 })]
    [InlineData(new byte[] { 0, (byte)'<', 0, (byte)'?' })]
    public void Utf16_with_or_without_byte_order_mark_is_unsupported(byte[] input) => AssertError(XmlStreamError.UnsupportedEncoding, "UTF-16", input);

    [Fact]
    public void Utf8_declaration_is_matched_case_insensitively()
    {
        Assert.Equal(XmlStreamError.None, Tokenize.Whole("<?xml version='1.0' encoding='uTf-8'?>" + H).Error);
    }

    [Fact]
    public void A_failed_tokenizer_keeps_returning_its_error_and_reports_nothing_more()
    {
        using var tokenizer = new XmlStreamTokenizer();
        var log = new EventLog();
        Assert.Equal(XmlStreamError.RestrictedXml, Tokenize.Pieces(tokenizer, Tokenize.Bytes(H + "<!-- x -->"), [], log).Error);

        var sink = new RecordingSink(log);
        var error = tokenizer.Feed(Tokenize.Bytes("<presence/>"), ref sink, out var consumed);

        Assert.Equal(XmlStreamError.RestrictedXml, error);
        Assert.Equal(0, consumed);
        Assert.Equal(["open"], log.Captured.Select(c => c.Kind));
    }

    [Fact]
    public void Events_before_an_error_are_reported()
    {
        var result = Tokenize.Whole(H + "<presence/><presence><!-- x --></presence>");

        Assert.Equal(XmlStreamError.RestrictedXml, result.Error);
        Assert.Equal(["open", "element"], result.Captured.Select(c => c.Kind));
    }

    private static byte[] Utf8Case(byte[] bad) => [.. Tokenize.Bytes(H + "<a>"), .. bad, .. Tokenize.Bytes("</a>")];

    /// <summary>The same error whole, and at every split point (the error kind never depends on chunking).</summary>
    private static void AssertError(XmlStreamError expected, string because, byte[] input)
    {
        var whole = Tokenize.Whole(input);
        Assert.True(expected == whole.Error, $"{because}: expected {expected}, got {whole.Error}");
        for (var cut = 1; cut < input.Length; cut++)
        {
            var split = Tokenize.Light(input, [cut]);
            Assert.True(expected == split.Error, $"{because} split at {cut}: expected {expected}, got {split.Error}");
            Assert.Equal(whole.Events, split.Events);
        }
    }
}
