using System.Text;
using HighPerf.Xmpp.Xml.Reader;

namespace HighPerf.Xmpp.Xml.Tests.Reader;

public class XmlElementReaderTests
{
    private static readonly byte[] Client = "jabber:client"u8.ToArray();

    [Fact]
    public void Names_namespace_and_inner_bytes_of_an_iq()
    {
        var iq = "<iq type='get' id='r1'><query xmlns='jabber:iq:roster'/></iq>"u8;
        var reader = XmlElementReader.Create(iq, Client);

        Assert.True(reader.IsValid);
        Assert.Equal("iq", S(reader.LocalName));
        Assert.Equal("jabber:client", S(reader.Namespace));
        Assert.Equal("<query xmlns='jabber:iq:roster'/>", S(reader.InnerRaw));
        Assert.Equal(iq.Length, reader.Raw.Length);
        Assert.False(reader.IsEmpty);
    }

    [Fact]
    public void Empty_element_has_no_inner_bytes_and_no_children()
    {
        var reader = XmlElementReader.Create("<presence/>"u8, Client);

        Assert.True(reader.IsEmpty);
        Assert.True(reader.InnerRaw.IsEmpty);
        Assert.False(reader.TryGetFirstChild(out _));
        Assert.Equal(0, reader.GetTextLength());
    }

    [Fact]
    public void Bytes_after_the_element_are_ignored()
    {
        var reader = XmlElementReader.Create("<a>x</a><b/>"u8, default);

        Assert.Equal("<a>x</a>", S(reader.Raw));
    }

    [Fact]
    public void Attributes_by_local_name_and_by_namespace()
    {
        var reader = XmlElementReader.Create("<message to='romeo@example.net' xml:lang='en' xmlns:p='urn:p' p:to='other' type=\"chat\"/>"u8, Client);

        Assert.True(reader.TryGetAttribute("to"u8, out var to));
        Assert.Equal("romeo@example.net", S(to));
        Assert.True(reader.TryGetAttribute("type"u8, out var type));
        Assert.Equal("chat", S(type));
        Assert.True(reader.TryGetAttribute("lang"u8, "http://www.w3.org/XML/1998/namespace"u8, out var lang));
        Assert.Equal("en", S(lang));
        Assert.True(reader.TryGetAttribute("to"u8, "urn:p"u8, out var prefixedTo));
        Assert.Equal("other", S(prefixedTo));
        Assert.False(reader.TryGetAttribute("lang"u8, out _));
        Assert.False(reader.TryGetAttribute("from"u8, out _));
        Assert.False(reader.TryGetAttribute("xmlns"u8, out _));
    }

    [Fact]
    public void Attribute_enumeration_flags_namespace_declarations()
    {
        var reader = XmlElementReader.Create("<x:a xmlns:x='urn:x' b='1' x:c=\"2\" xmlns='d'/>"u8, default);
        var seen = new List<string>();

        foreach (var attribute in reader.GetAttributes())
        {
            seen.Add($"{S(attribute.Prefix)}|{S(attribute.LocalName)}|{S(attribute.RawValue)}|{attribute.IsNamespaceDeclaration}");
        }

        Assert.Equal(["xmlns|x|urn:x|True", "|b|1|False", "x|c|2|False", "|xmlns|d|True"], seen);
    }

    [Fact]
    public void Children_are_enumerated_with_the_inherited_default_namespace()
    {
        var reader = XmlElementReader.Create("<iq type='result'><query xmlns='jabber:iq:roster' ver='1'>text<item jid='a@b'><group>G</group></item><!-- c --><item jid='c@d' name='C'/><![CDATA[<item/>]]></query></iq>"u8, Client);
        Assert.True(reader.TryGetChild("query"u8, "jabber:iq:roster"u8, out var query));

        var jids = new List<string>();
        foreach (var item in query.GetChildren())
        {
            Assert.Equal("jabber:iq:roster", S(item.Namespace));
            Assert.True(item.TryGetAttribute("jid"u8, out var jid));
            jids.Add(S(jid));
        }

        Assert.Equal(["a@b", "c@d"], jids);
        Assert.True(query.TryGetFirstChild(out var first));
        Assert.True(first.TryGetChild("group"u8, "jabber:iq:roster"u8, out var group));
        Assert.Equal("G", Text(group));
    }

    [Fact]
    public void Prefixes_declared_on_ancestors_resolve_in_children()
    {
        var reader = XmlElementReader.Create("<iq><query xmlns:x='urn:a'><y/><x:item x:attr='v'/></query></iq>"u8, Client);
        Assert.True(reader.TryGetFirstChild(out var query));

        Assert.True(query.TryGetChild("item"u8, "urn:a"u8, out var item));
        Assert.Equal("x", S(item.Prefix));
        Assert.Equal("urn:a", S(item.Namespace));
        Assert.True(item.TryGetAttribute("attr"u8, "urn:a"u8, out var value));
        Assert.Equal("v", S(value));
        Assert.True(query.TryGetChild("y"u8, "jabber:client"u8, out _));
    }

    [Fact]
    public void Innermost_declaration_wins_and_siblings_do_not_leak_declarations()
    {
        var reader = XmlElementReader.Create("<a xmlns:p='urn:outer'><b xmlns:p='urn:sibling'/><c xmlns:p='urn:inner'><p:d/></c><p:e/></a>"u8, default);
        var namespaces = new List<string>();
        foreach (var child in reader.GetChildren())
        {
            foreach (var grandchild in child.GetChildren())
            {
                namespaces.Add(S(grandchild.LocalName) + "=" + S(grandchild.Namespace));
            }

            namespaces.Add(S(child.LocalName) + "=" + S(child.Namespace));
        }

        Assert.Equal(["b=", "d=urn:inner", "c=", "e=urn:outer"], namespaces);
    }

    [Fact]
    public void Undeclared_default_namespace_is_empty_for_the_element_and_its_children()
    {
        var reader = XmlElementReader.Create("<a xmlns=''><b/></a>"u8, Client);

        Assert.True(reader.Namespace.IsEmpty);
        Assert.True(reader.TryGetFirstChild(out var b));
        Assert.True(b.Namespace.IsEmpty);
    }

    [Fact]
    public void Unbound_prefix_gives_an_empty_namespace()
    {
        Assert.True(XmlElementReader.Create("<p:a/>"u8, Client).Namespace.IsEmpty);
    }

    [Fact]
    public void Text_decodes_references_cdata_and_line_ends_and_skips_children()
    {
        var reader = XmlElementReader.Create("<body>a &amp; b<i>not this</i> &#x1F339;&lt;<![CDATA[&amp;<x>]]>\r\nend\r<!-- no --></body>"u8, Client);

        Assert.Equal("a & b 🌹<&amp;<x>\nend\n", Text(reader));
        Assert.True(reader.GetTextLength() >= Encoding.UTF8.GetByteCount("a & b 🌹<&amp;<x>\nend\n"));
    }

    [Fact]
    public void Text_fails_when_the_destination_is_too_small()
    {
        var reader = XmlElementReader.Create("<body>hello</body>"u8, default);

        Assert.False(reader.TryGetText(new byte[4], out _));
        Assert.True(reader.TryGetText(new byte[5], out var written));
        Assert.Equal(5, written);
    }

    [Fact]
    public void Sasl_payload_text_reads_as_base64()
    {
        var auth = XmlElementReader.Create("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGp1bGlldAByMG0zMG15cjBtMzA=</auth>"u8, Client);

        Assert.True(auth.Is("auth"u8, "urn:ietf:params:xml:ns:xmpp-sasl"u8));
        Assert.Equal("AGp1bGlldAByMG0zMG15cjBtMzA=", Text(auth));
    }

    [Theory]
    [InlineData("")]
    [InlineData("text")]
    [InlineData("<")]
    [InlineData("<a")]
    [InlineData("<a x='1>")]
    [InlineData("<a><b></a>")]
    [InlineData("<a>unterminated")]
    [InlineData("</a>")]
    public void Malformed_bytes_give_an_invalid_reader_without_throwing(string xml)
    {
        var reader = XmlElementReader.Create(Encoding.UTF8.GetBytes(xml), Client);

        Assert.False(reader.IsValid);
        Assert.True(reader.LocalName.IsEmpty);
        Assert.True(reader.Namespace.IsEmpty);
        Assert.False(reader.TryGetAttribute("x"u8, out _));
        Assert.False(reader.TryGetFirstChild(out _));
        Assert.Equal(0, reader.GetTextLength());
        Assert.True(reader.TryGetText(default, out _));
    }

    [Fact]
    public void Reading_a_stanza_allocates_nothing()
    {
        var bytes = "<iq type='result' id='x'><query xmlns='jabber:iq:roster'><x:item xmlns:x='urn:x' jid='a@b' name='A &amp; B'><group>G</group></x:item><item jid='c@d'/></query></iq>"u8.ToArray();
        Span<byte> text = stackalloc byte[64];
        var total = ReadAll(bytes, text);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            total += ReadAll(bytes, text);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(total > 0);
    }

    private static int ReadAll(byte[] bytes, Span<byte> text)
    {
        var total = 0;
        var iq = XmlElementReader.Create(bytes, "jabber:client"u8);
        if (iq.TryGetChild("query"u8, "jabber:iq:roster"u8, out var query))
        {
            foreach (var item in query.GetChildren())
            {
                foreach (var attribute in item.GetAttributes())
                {
                    total += attribute.RawValue.Length;
                }

                total += item.Namespace.Length;
                if (item.TryGetFirstChild(out var group) && group.TryGetText(text, out var written))
                {
                    total += written;
                }
            }
        }

        return total;
    }

    private static string Text(XmlElementReader reader)
    {
        var buffer = new byte[reader.GetTextLength()];
        Assert.True(reader.TryGetText(buffer, out var written));
        return Encoding.UTF8.GetString(buffer, 0, written);
    }

    private static string S(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
}
