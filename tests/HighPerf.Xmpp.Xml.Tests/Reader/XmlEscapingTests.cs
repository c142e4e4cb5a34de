using System.Buffers;
using System.Text;

namespace HighPerf.Xmpp.Xml.Tests.Reader;

public class XmlEscapingTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a &amp; b", "a & b")]
    [InlineData("&lt;&gt;&amp;&apos;&quot;", "<>&'\"")]
    [InlineData("&#65;&#x42;&#x0043;&#0068;", "ABCD")]
    [InlineData("&#233;&#x20AC;&#x1F339;", "é€🌹")]
    [InlineData("", "")]
    public void Unescape_decodes_predefined_entities_and_character_references(string raw, string expected)
    {
        var destination = new byte[raw.Length];

        Assert.True(XmlEscaping.TryUnescape(Encoding.UTF8.GetBytes(raw), destination, out var written));
        Assert.Equal(expected, Encoding.UTF8.GetString(destination, 0, written));
    }

    [Theory]
    [InlineData("&nbsp;")]
    [InlineData("&#0;")]
    [InlineData("&#xD800;")]
    [InlineData("&amp")]
    [InlineData("& ")]
    public void Unescape_refuses_invalid_references(string raw)
    {
        Assert.False(XmlEscaping.TryUnescape(Encoding.UTF8.GetBytes(raw), new byte[64], out _));
    }

    [Fact]
    public void Unescape_refuses_a_destination_too_small()
    {
        Assert.False(XmlEscaping.TryUnescape("abc&amp;"u8, new byte[3], out _));
        Assert.True(XmlEscaping.TryUnescape("abc&amp;"u8, new byte[4], out var written));
        Assert.Equal(4, written);
    }

    [Fact]
    public void NeedsUnescape_is_true_only_with_a_reference()
    {
        Assert.False(XmlEscaping.NeedsUnescape("romeo@example.net"u8));
        Assert.True(XmlEscaping.NeedsUnescape("a&amp;b"u8));
    }

    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("a & b < c > d", "a &amp; b &lt; c &gt; d")]
    [InlineData("quotes ' \" stay", "quotes ' \" stay")]
    [InlineData("]]>", "]]&gt;")]
    [InlineData("tab\tnewline\nreturn\r", "tab\tnewline\nreturn&#xD;")]
    [InlineData("é€🌹", "é€🌹")]
    [InlineData("nul\0bell\a", "nul\uFFFDbell\uFFFD")]
    public void Text_escaping(string text, string expected)
    {
        Assert.Equal(expected, Escape(Encoding.UTF8.GetBytes(text), attribute: false));
    }

    [Theory]
    [InlineData("o'neil \"x\"", "o&apos;neil &quot;x&quot;")]
    [InlineData("<&>", "&lt;&amp;&gt;")]
    [InlineData("a\tb\nc\rd", "a&#x9;b&#xA;c&#xD;d")]
    public void Attribute_escaping(string value, string expected)
    {
        Assert.Equal(expected, Escape(Encoding.UTF8.GetBytes(value), attribute: true));
    }

    [Theory]
    [InlineData(new byte[] { 0xC0, 0x80 })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 })]
    [InlineData(new byte[] { 0xEF, 0xBF, 0xBE })]
    [InlineData(new byte[] { 0xE2, 0x82 })]
    [InlineData(new byte[] { 0x80 })]
    public void Invalid_utf8_and_non_characters_are_replaced(byte[] bad)
    {
        var escaped = Escape([(byte)'a', .. bad, (byte)'b'], attribute: false);

        Assert.StartsWith("a\uFFFD", escaped, StringComparison.Ordinal);
        Assert.EndsWith("\uFFFDb", escaped, StringComparison.Ordinal);
        Assert.DoesNotContain("\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD", escaped, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_byte_value_escapes_to_something_the_tokenizer_accepts_and_unescapes_back()
    {
        for (var b = 0; b < 0x80; b++)
        {
            foreach (var attribute in new[] { false, true })
            {
                var escaped = Encoding.UTF8.GetBytes(Escape([(byte)'x', (byte)b, (byte)'y'], attribute));
                byte[] stanza = attribute ? [.. "<a v='"u8, .. escaped, .. "'/>"u8] : [.. "<a>"u8, .. escaped, .. "</a>"u8];
                Assert.Equal(Xml.Tokenizer.XmlStreamError.None, Support.Tokenize.Whole(stanza, Xml.Tokenizer.XmlStreamMode.Framed).Error);

                var decoded = new byte[escaped.Length];
                Assert.True(XmlEscaping.TryUnescape(escaped, decoded, out var written));
                var legal = b >= 0x20 || b is 0x9 or 0xA or 0xD;
                var expected = legal ? new[] { (byte)'x', (byte)b, (byte)'y' } : Encoding.UTF8.GetBytes("x\uFFFDy");
                Assert.Equal(expected, decoded[..written]);
            }
        }
    }

    [Fact]
    public void Escaping_resumes_after_a_destination_too_small_without_splitting_an_escape()
    {
        var source = Encoding.UTF8.GetBytes("a<b&c\"d🌹e");
        var output = new List<byte>();
        var consumedTotal = 0;
        var destination = new byte[6];
        while (consumedTotal < source.Length)
        {
            var status = XmlEscaping.EscapeAttribute(source.AsSpan(consumedTotal), destination, out var consumed, out var written);
            output.AddRange(destination[..written]);
            consumedTotal += consumed;
            Assert.True(status == OperationStatus.Done || consumed + written > 0 || status == OperationStatus.DestinationTooSmall);
            Assert.True(consumed > 0, "progress with a 6-byte destination");
        }

        Assert.Equal("a&lt;b&amp;c&quot;d🌹e", Encoding.UTF8.GetString([.. output]));
    }

    private static string Escape(byte[] source, bool attribute)
    {
        var destination = new byte[XmlEscaping.GetMaxEscapedLength(source.Length)];
        var status = attribute
            ? XmlEscaping.EscapeAttribute(source, destination, out var consumed, out var written)
            : XmlEscaping.EscapeText(source, destination, out consumed, out written);
        Assert.Equal(OperationStatus.Done, status);
        Assert.Equal(source.Length, consumed);
        return Encoding.UTF8.GetString(destination, 0, written);
    }
}
