using System.Buffers;
using System.Text;
using System.Xml;
using HighPerf.Xmpp.Xml.Reader;
using HighPerf.Xmpp.Xml.Tests.Support;
using HighPerf.Xmpp.Xml.Tokenizer;
using HighPerf.Xmpp.Xml.Writer;

namespace HighPerf.Xmpp.Xml.Tests.Writer;

public class Utf8XmlWriterTests
{
    [Fact]
    public void Writes_a_stanza_with_attributes_children_and_text()
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new Utf8XmlWriter(output);

        writer.WriteStartElement("message"u8);
        writer.WriteAttribute("to"u8, "romeo@example.net"u8);
        writer.WriteAttribute("type"u8, "chat".AsSpan());
        writer.WriteAttribute("id"u8, 42);
        writer.WriteStartElement("body"u8);
        writer.WriteText("Art thou not Romeo, & a Montague?"u8);
        writer.WriteEndElement("body"u8);
        writer.WriteStartElement("active"u8);
        writer.WriteAttributeRaw("xmlns"u8, "http://jabber.org/protocol/chatstates"u8);
        writer.WriteEndElement("active"u8);
        writer.WriteEndElement("message"u8);

        Assert.Equal(
            "<message to='romeo@example.net' type='chat' id='42'><body>Art thou not Romeo, &amp; a Montague?</body><active xmlns='http://jabber.org/protocol/chatstates'/></message>",
            Encoding.UTF8.GetString(output.WrittenSpan));
        Assert.Equal(0, writer.Depth);
    }

    [Fact]
    public void Content_closes_an_open_start_tag()
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new Utf8XmlWriter(output);

        writer.WriteStartElement("a"u8);
        writer.WriteRaw("<b/>"u8);
        writer.WriteEndElement("a"u8);
        writer.WriteStartElement("c"u8);
        writer.WriteBase64([1, 2, 3]);
        writer.WriteEndElement("c"u8);
        writer.WriteStartElement("d"u8);
        writer.CloseStartTag();
        writer.CloseStartTag();
        writer.WriteEndElement("d"u8);
        writer.WriteEmptyElement("e"u8);
        writer.WriteElement("f"u8, "<"u8);

        Assert.Equal("<a><b/></a><c>AQID</c><d></d><e/><f>&lt;</f>", Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void Misuse_throws_invalid_operation()
    {
        var output = new ArrayBufferWriter<byte>();

        Assert.Throws<InvalidOperationException>(() => new Utf8XmlWriter(output).WriteAttribute("a"u8, "b"u8));
        Assert.Throws<InvalidOperationException>(() => new Utf8XmlWriter(output).WriteEndElement("a"u8));
        Assert.Throws<InvalidOperationException>(() => new Utf8XmlWriter(output).WriteEndEmptyElement());
        Assert.Throws<InvalidOperationException>(() =>
        {
            var writer = new Utf8XmlWriter(output);
            writer.WriteStartElement("a"u8);
            writer.WriteText("x"u8);
            writer.WriteAttribute("late"u8, "1"u8);
        });
    }

    [Theory]
    [InlineData(new byte[0], "")]
    [InlineData(new byte[] { 0 }, "AA==")]
    [InlineData(new byte[] { 0, 1 }, "AAE=")]
    public void Base64_matches_the_framework_encoder(byte[] data, string expected)
    {
        var output = new ArrayBufferWriter<byte>();
        new Utf8XmlWriter(output).WriteBase64(data);

        Assert.Equal(expected, Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void Large_base64_payload_is_written_in_pieces()
    {
        var data = new byte[10_000];
        new Random(5).NextBytes(data);
        var output = new TinySpanWriter();

        new Utf8XmlWriter(output).WriteBase64(data);

        Assert.Equal(Convert.ToBase64String(data), Encoding.UTF8.GetString(output.WrittenBytes));
    }

    [Fact]
    public void Every_byte_value_in_text_and_attributes_round_trips_through_tokenizer_reader_and_XmlReader()
    {
        for (var b = 0; b < 256; b++)
        {
            byte[] value = [(byte)'x', (byte)b, (byte)'y'];
            var expected = ExpectedAfterReplacement(value);
            var written = WriteProbe(value, Encoding.UTF8.GetString(value));
            AssertRoundTrip(written, expected);
        }
    }

    [Fact]
    public void Utf16_text_including_lone_surrogates_and_non_characters_round_trips_with_replacement()
    {
        var random = new Random(3);
        char[] alphabet = ['a', '<', '>', '&', '\'', '"', '\t', '\n', '\r', '\0', '\u0001', '\u007F', '\u0085', 'é', '€', '\uFFFE', '\uFFFF', '\uD800', '\uDC00', ']'];
        for (var run = 0; run < 2000; run++)
        {
            var chars = new char[random.Next(1, 40)];
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = random.Next(6) == 0 ? "🌹"[0] : alphabet[random.Next(alphabet.Length)];
                if (chars[i] == "🌹"[0] && i + 1 < chars.Length)
                {
                    chars[++i] = "🌹"[1];
                }
            }

            var utf8 = Encoding.UTF8.GetBytes(chars); // lone surrogates become U+FFFD here too
            var written = WriteProbe(utf8, chars);
            AssertRoundTrip(written, ExpectedAfterReplacement(utf8));
        }
    }

    [Fact]
    public void Output_is_identical_with_spans_of_any_size()
    {
        var text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("a<b>&c'd\"e\r\n🌹", 300)));
        var expected = WriteProbe(text, Encoding.UTF8.GetString(text));

        var tiny = new TinySpanWriter();
        var writer = new Utf8XmlWriter(tiny);
        WriteProbeTo(ref writer, text, Encoding.UTF8.GetString(text).AsSpan());

        Assert.Equal(expected, tiny.WrittenBytes);
    }

    [Fact]
    public void Writing_a_reply_into_a_reused_buffer_allocates_nothing()
    {
        var output = new ArrayBufferWriter<byte>(4096);
        WriteReply(output);
        output.ResetWrittenCount();

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            WriteReply(output);
            output.ResetWrittenCount();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static void WriteReply(ArrayBufferWriter<byte> output)
    {
        var writer = new Utf8XmlWriter(output);
        writer.WriteStartElement("iq"u8);
        writer.WriteAttribute("type"u8, "result"u8);
        writer.WriteAttribute("id"u8, "roster & co".AsSpan());
        writer.WriteAttribute("seq"u8, 123456789L);
        writer.WriteStartElement("challenge"u8);
        writer.WriteBase64("r=fyko+d2lbbFgONRv9qkxdawL"u8);
        writer.WriteEndElement("challenge"u8);
        writer.WriteText("é & <".AsSpan());
        writer.WriteEndElement("iq"u8);
    }

    private static byte[] WriteProbe(byte[] utf8, ReadOnlySpan<char> chars)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new Utf8XmlWriter(output);
        WriteProbeTo(ref writer, utf8, chars);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>&lt;p a='bytes' c='chars'&gt;bytes&lt;q&gt;chars&lt;/q&gt;&lt;/p&gt;</summary>
    private static void WriteProbeTo(ref Utf8XmlWriter writer, byte[] utf8, ReadOnlySpan<char> chars)
    {
        writer.WriteStartElement("p"u8);
        writer.WriteAttribute("a"u8, utf8);
        writer.WriteAttribute("c"u8, chars);
        writer.WriteText(utf8);
        writer.WriteStartElement("q"u8);
        writer.WriteText(chars);
        writer.WriteEndElement("q"u8);
        writer.WriteEndElement("p"u8);
    }

    /// <summary>What a reader must see: the input with everything XML cannot carry replaced by U+FFFD.</summary>
    private static string ExpectedAfterReplacement(byte[] utf8)
    {
        var decoded = new UTF8Encoding(false, false).GetString(utf8);
        var text = new StringBuilder();
        foreach (var rune in decoded.EnumerateRunes())
        {
            var legal = rune.Value is 0x9 or 0xA or 0xD || (rune.Value >= 0x20 && rune.Value != 0xFFFE && rune.Value != 0xFFFF);
            text.Append(legal ? rune.ToString() : "\uFFFD");
        }

        return text.ToString();
    }

    private static void AssertRoundTrip(byte[] written, string expected)
    {
        Assert.Equal(XmlStreamError.None, Tokenize.Whole(written, XmlStreamMode.Framed).Error);

        var p = XmlElementReader.Create(written, default);
        Assert.True(p.TryGetAttribute("a"u8, out var a));
        Assert.True(p.TryGetAttribute("c"u8, out var c));
        Assert.Equal(expected, Unescape(a));
        Assert.Equal(expected, Unescape(c));
        // CR is written as a reference, so line-end normalization keeps it.
        Assert.Equal(expected, Text(p));
        Assert.True(p.TryGetFirstChild(out var q));
        Assert.Equal(expected, Text(q));

        // An independent parser reads the same values.
        using var reader = XmlReader.Create(new MemoryStream(written));
        reader.MoveToContent();
        Assert.Equal(expected, reader.GetAttribute("a"));
        Assert.Equal(expected, reader.GetAttribute("c"));
    }

    private static string Unescape(ReadOnlySpan<byte> raw)
    {
        var buffer = new byte[raw.Length];
        Assert.True(XmlEscaping.TryUnescape(raw, buffer, out var written));
        return Encoding.UTF8.GetString(buffer, 0, written);
    }

    private static string Text(XmlElementReader reader)
    {
        var buffer = new byte[reader.GetTextLength()];
        Assert.True(reader.TryGetText(buffer, out var written));
        return Encoding.UTF8.GetString(buffer, 0, written);
    }
}
