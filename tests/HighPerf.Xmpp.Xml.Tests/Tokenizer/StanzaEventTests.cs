using HighPerf.Xmpp.Xml.Tests.Support;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Xml.Tests.Tokenizer;

/// <summary>Top-level elements from RFC 6120 and RFC 6121 examples.</summary>
public class StanzaEventTests
{
    private static Captured Single(string stanza)
    {
        var result = Tokenize.Whole(Streams.InClientStream(stanza));
        Assert.Equal(XmlStreamError.None, result.Error);
        return result.Element(0);
    }

    [Fact]
    public void Starttls_is_an_empty_element_in_its_own_namespace()
    {
        var element = Single("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");

        Assert.Equal("starttls", element.LocalName);
        Assert.Equal("urn:ietf:params:xml:ns:xmpp-tls", element.Namespace);
        Assert.True(element.IsEmpty);
        Assert.Equal(element.Raw.Length, element.StartTagEnd);
        Assert.Equal(9, element.NameEnd);
    }

    [Fact]
    public void Stream_features_resolve_the_stream_prefix_declared_on_the_header()
    {
        const string features = "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>SCRAM-SHA-1-PLUS</mechanism><mechanism>SCRAM-SHA-1</mechanism><mechanism>PLAIN</mechanism></mechanisms></stream:features>";
        var element = Single(features);

        Assert.Equal("features", element.LocalName);
        Assert.Equal(Streams.StreamsNs, element.Namespace);
        Assert.Equal(features, element.RawText);
        Assert.Equal("<stream:features>".Length, element.StartTagEnd);
        Assert.Equal("<stream:features".Length, element.NameEnd);
    }

    [Fact]
    public void Sasl_auth_carries_its_mechanism_and_base64_text()
    {
        const string auth = "<auth xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\" mechanism=\"SCRAM-SHA-1\">biwsbj1qdWxpZXQscj1vTXNUQUF3QUFBQU1BQUFBTlAwVEFBQUFBQUJQVTBBQQ==</auth>";
        var element = Single(auth);

        Assert.Equal("auth", element.LocalName);
        Assert.Equal("urn:ietf:params:xml:ns:xmpp-sasl", element.Namespace);
        Assert.Equal(auth, element.RawText);
    }

    [Fact]
    public void Bind_iq_reports_type_and_id()
    {
        var element = Single("<iq id='yhc13a95' type='set'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>balcony</resource></bind></iq>");

        Assert.Equal("iq", element.LocalName);
        Assert.Equal("jabber:client", element.Namespace);
        Assert.Equal("set", element.Value("type"));
        Assert.Equal("yhc13a95", element.Value("id"));
        Assert.Null(element.Value("to"));
        Assert.False(element.Attributes["to"].IsPresent);
    }

    [Fact]
    public void Message_with_xml_lang_and_several_bodies_reports_routing_attributes()
    {
        const string message = "<message from='juliet@example.com/balcony' id='z94nb37h' to='romeo@example.net' type='chat' xml:lang='en'><body>Wherefore art thou, Romeo?</body><body xml:lang='cs'>Pro&#x010D;e&#x017D; jsi ty, Romeo?</body></message>";
        var element = Single(message);

        Assert.Equal("juliet@example.com/balcony", element.Value("from"));
        Assert.Equal("romeo@example.net", element.Value("to"));
        Assert.Equal("chat", element.Value("type"));
        Assert.Equal("z94nb37h", element.Value("id"));
        Assert.Equal("en", element.Value("xml:lang"));
        Assert.Equal(message.IndexOf("><body>", StringComparison.Ordinal) + 1, element.StartTagEnd);
    }

    [Fact]
    public void Presence_probe_and_subscription_are_reported()
    {
        var result = Tokenize.Whole(Streams.InClientStream("<presence/><presence type='subscribe' to='juliet@example.com'/><presence><show>away</show><status>at the ball</status></presence>"));

        Assert.Equal(XmlStreamError.None, result.Error);
        Assert.True(result.Element(0).IsEmpty);
        Assert.Equal("subscribe", result.Element(1).Value("type"));
        Assert.False(result.Element(2).IsEmpty);
    }

    [Fact]
    public void Cdata_sections_are_kept_raw_inside_the_stanza()
    {
        const string message = "<message><body><![CDATA[<b>&amp; ]] > ]]></body></message>";

        Assert.Equal(message, Single(message).RawText);
    }

    [Fact]
    public void Namespaced_extension_children_with_their_own_prefixes_are_accepted()
    {
        const string message = "<message to='romeo@example.net'><x:x xmlns:x='jabber:x:data' type='form'><x:field var='a'><x:value>1</x:value></x:field></x:x><geo:geoloc xmlns:geo='http://jabber.org/protocol/geoloc' geo:accuracy='20'/></message>";

        Assert.Equal(message, Single(message).RawText);
    }

    [Fact]
    public void A_prefixed_top_level_element_resolves_its_own_declaration()
    {
        var element = Single("<sm:enable xmlns:sm='urn:xmpp:sm:3' resume='true'/>");

        Assert.Equal("enable", element.LocalName);
        Assert.Equal("urn:xmpp:sm:3", element.Namespace);
        Assert.Equal("<sm:enable".Length, element.NameEnd);
    }

    [Fact]
    public void Undeclaring_the_default_namespace_gives_an_empty_namespace()
    {
        Assert.Equal(string.Empty, Single("<message xmlns=''/>").Namespace);
    }

    [Fact]
    public void Only_unprefixed_routing_attributes_are_reported()
    {
        var element = Single("<message xmlns:p='urn:p' p:to='wrong' to='right' p:from='x'/>");

        Assert.Equal("right", element.Value("to"));
        Assert.Null(element.Value("from"));
    }

    [Fact]
    public void Whitespace_keepalives_between_stanzas_are_skipped()
    {
        var result = Tokenize.Whole(Streams.InClientStream(" \n <presence/>\t \r\n   <presence/> "));

        Assert.Equal(XmlStreamError.None, result.Error);
        Assert.Equal(2, result.Captured.Count(c => c.Kind == "element"));
    }

    [Fact]
    public void Inserting_at_NameEnd_gives_a_stanza_with_the_new_attribute()
    {
        var element = Single("<message to='romeo@example.net'><body>x</body></message>");
        var stamped = element.RawText.Insert(element.NameEnd, " from='juliet@example.com/balcony'");

        var again = Single(stamped);

        Assert.Equal("juliet@example.com/balcony", again.Value("from"));
        Assert.Equal("romeo@example.net", again.Value("to"));
    }

    [Theory]
    [InlineData("to")]
    [InlineData("from")]
    [InlineData("type")]
    [InlineData("id")]
    [InlineData("xml:lang")]
    public void Removing_an_attribute_range_leaves_a_well_formed_stanza_without_it(string attribute)
    {
        var element = Single("<message  to='a@b'\n from=\"c@d/e\"\ttype='chat' id='1' xml:lang='en'><body/></message>");
        var range = element.Attributes[attribute];

        var stripped = element.RawText.Remove(range.AttributeStart, range.AttributeEnd - range.AttributeStart);
        var again = Single(stripped);

        Assert.Null(again.Value(attribute));
        Assert.Equal(4, again.Attributes.Values.Count(r => r.IsPresent));
    }

    [Fact]
    public void Utf8_text_references_and_both_quote_styles_are_accepted()
    {
        const string message = "<message to=\"o'neil@example.com\" id='say \"hi\"'><body>Ромео 🌹 &lt;&gt;&amp;&apos;&quot; &#233;&#xE9; \u0085 \u007F</body></message>";
        var element = Single(message);

        Assert.Equal("o'neil@example.com", element.Value("to"));
        Assert.Equal("say \"hi\"", element.Value("id"));
    }

    [Fact]
    public void Deeply_nested_payloads_up_to_the_depth_limit_are_accepted()
    {
        var nested = string.Concat(Enumerable.Repeat("<a>", 32)) + string.Concat(Enumerable.Repeat("</a>", 32));

        Assert.Equal(XmlStreamError.None, Tokenize.Whole(Streams.InClientStream("<message>" + nested + "</message>")).Error);
    }
}
