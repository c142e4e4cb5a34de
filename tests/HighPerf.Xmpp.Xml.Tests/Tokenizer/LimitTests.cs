using HighPerf.Xmpp.Xml.Tests.Support;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Xml.Tests.Tokenizer;

public class LimitTests
{
    // Two attributes, so that the small attribute limit applies to stanzas only.
    private const string H = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";

    private static readonly XmlStreamLimits Small = new()
    {
        MaxStanzaBytes = 100,
        MaxDepth = 3,
        MaxAttributes = 4,
        MaxStreamHeaderBytes = 300,
        MaxNameBytes = 16,
    };

    [Fact]
    public void Stanza_of_exactly_the_size_limit_is_accepted()
    {
        var stanza = "<message>" + new string('x', 100 - "<message></message>".Length) + "</message>";
        Assert.Equal(100, stanza.Length);

        Assert.Equal(XmlStreamError.None, Tokenize.Whole(H + stanza, limits: Small).Error);
    }

    [Fact]
    public void Stanza_one_byte_over_the_size_limit_is_a_policy_violation()
    {
        var stanza = "<message>" + new string('x', 101 - "<message></message>".Length) + "</message>";

        AssertPolicyViolationAtEverySplit(H + stanza);
    }

    [Fact]
    public void Oversized_stanza_is_refused_once_the_limit_is_buffered_without_waiting_for_its_end()
    {
        using var tokenizer = new XmlStreamTokenizer(Small);
        var log = new EventLog();
        Assert.Equal(XmlStreamError.None, Tokenize.FeedAll(tokenizer, Tokenize.Bytes(H + "<message><body>"), log));

        var error = XmlStreamError.None;
        var fed = 0;
        while (error == XmlStreamError.None && fed < 10_000)
        {
            error = Tokenize.FeedAll(tokenizer, Tokenize.Bytes("0123456789"), log);
            fed += 10;
            Assert.True(tokenizer.BufferedBytes <= Small.MaxStanzaBytes);
        }

        Assert.Equal(XmlStreamError.PolicyViolation, error);
        Assert.True(fed <= 100, $"fed {fed} bytes before refusing");
    }

    [Fact]
    public void Huge_single_chunk_stanza_is_refused_at_the_default_limit()
    {
        var body = new string('a', (256 * 1024) + 1);

        Assert.Equal(XmlStreamError.PolicyViolation, Tokenize.Whole(H + "<message><body>" + body + "</body></message>").Error);
    }

    [Fact]
    public void Nesting_at_the_depth_limit_is_accepted_and_one_deeper_is_a_policy_violation()
    {
        Assert.Equal(XmlStreamError.None, Tokenize.Whole(H + "<a><b><c><d/></c></b></a>", limits: Small).Error);
        AssertPolicyViolationAtEverySplit(H + "<a><b><c><d><e/></d></c></b></a>");
    }

    [Fact]
    public void Attributes_at_the_limit_are_accepted_and_one_more_is_a_policy_violation()
    {
        Assert.Equal(XmlStreamError.None, Tokenize.Whole(H + "<a b='1' c='2' d='3' xmlns='x'/>", limits: Small).Error);
        AssertPolicyViolationAtEverySplit(H + "<a b='1' c='2' d='3' e='4' f='5'/>");
    }

    [Fact]
    public void Oversized_stream_header_is_a_policy_violation()
    {
        AssertPolicyViolationAtEverySplit("<stream:stream xmlns:stream='http://etherx.jabber.org/streams' x='" + new string('x', 300) + "'>");
    }

    [Fact]
    public void Overlong_names_are_a_policy_violation()
    {
        AssertPolicyViolationAtEverySplit(H + "<" + new string('n', 17) + "/>");
        AssertPolicyViolationAtEverySplit(H + "<a " + new string('n', 17) + "='1'/>");
    }

    [Fact]
    public void Overlong_xml_declaration_is_a_policy_violation()
    {
        Assert.Equal(XmlStreamError.PolicyViolation, Tokenize.Whole("<?xml version='1.0'" + new string(' ', 300) + "?>" + H).Error);
    }

    [Fact]
    public void Whitespace_keepalives_are_never_buffered_however_long()
    {
        using var tokenizer = new XmlStreamTokenizer(Small);
        var log = new EventLog();
        Assert.Equal(XmlStreamError.None, Tokenize.FeedAll(tokenizer, Tokenize.Bytes(H), log));

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(XmlStreamError.None, Tokenize.FeedAll(tokenizer, Tokenize.Bytes(new string(' ', 1000)), log));
            Assert.Equal(0, tokenizer.BufferedBytes);
        }
    }

    private static void AssertPolicyViolationAtEverySplit(string xml)
    {
        var input = Tokenize.Bytes(xml);
        Assert.Equal(XmlStreamError.PolicyViolation, Tokenize.Whole(input, limits: Small).Error);
        for (var cut = 1; cut < input.Length; cut++)
        {
            Assert.Equal(XmlStreamError.PolicyViolation, Tokenize.Light(input, [cut], limits: Small).Error);
        }
    }
}
