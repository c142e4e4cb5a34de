using HighPerf.Xmpp.Xml.Tests.Support;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Xml.Tests.Tokenizer;

/// <summary>A chunk boundary anywhere (inside a name, a value, a reference, CDATA, a UTF-8 scalar, the
/// declaration, the header, an end tag) must not change the events.</summary>
public class ChunkingTests
{
    [Fact]
    public void Corpus_is_tokenized_without_error()
    {
        var whole = Tokenize.Whole(Corpus.Client);

        Assert.Equal(XmlStreamError.None, whole.Error);
        Assert.Equal(18, whole.Events.Count);
        Assert.StartsWith("open", whole.Events[0], StringComparison.Ordinal);
        Assert.Equal("close", whole.Events[^1]);
    }

    [Fact]
    public void Every_split_point_of_the_corpus_gives_the_same_events()
    {
        var input = Corpus.Client;
        var expected = Tokenize.Whole(input).Events;

        for (var cut = 1; cut < input.Length; cut++)
        {
            var result = Tokenize.Light(input, [cut]);
            Assert.Equal(XmlStreamError.None, result.Error);
            Assert.Equal(expected, result.Events);
        }
    }

    [Fact]
    public void Every_pair_of_split_points_of_a_dense_stream_gives_the_same_events()
    {
        var input = Tokenize.Bytes(Corpus.Dense);
        var expected = Tokenize.Whole(input);
        Assert.Equal(XmlStreamError.None, expected.Error);
        Assert.Equal(4, expected.Events.Count);

        for (var first = 1; first < input.Length; first++)
        {
            for (var second = first + 1; second < input.Length; second++)
            {
                var result = Tokenize.Light(input, [first, second]);
                Assert.Equal(XmlStreamError.None, result.Error);
                Assert.Equal(expected.Events, result.Events);
            }
        }
    }

    [Fact]
    public void Byte_by_byte_feeding_gives_the_same_events()
    {
        var input = Corpus.Client;
        var cuts = Enumerable.Range(1, input.Length - 1).ToArray();

        Assert.Equal(Tokenize.Whole(input).Events, Tokenize.Pieces(input, cuts).Events);
    }

    [Theory]
    [InlineData(1, 7)]
    [InlineData(2, 64)]
    [InlineData(3, 700)]
    [InlineData(4, 1460)]
    public void Random_chunk_sizes_give_the_same_events(int seed, int maxChunk)
    {
        var input = Corpus.Client;
        var expected = Tokenize.Whole(input).Events;
        var random = new Random(seed);

        for (var run = 0; run < 200; run++)
        {
            var result = Tokenize.Chunks(input, random, maxChunk);
            Assert.Equal(XmlStreamError.None, result.Error);
            Assert.Equal(expected, result.Events);
        }
    }

    [Fact]
    public void Stopping_after_every_event_and_refeeding_the_rest_gives_the_same_events()
    {
        var input = Corpus.Client;
        var expected = Tokenize.Whole(input).Events;

        foreach (var cut in new[] { 0, 150, 333, 1000, 2047 })
        {
            var log = new EventLog { StopEvery = 1 };
            var result = Tokenize.Pieces(input, cut == 0 ? [] : [cut], log: log);
            Assert.Equal(XmlStreamError.None, result.Error);
            Assert.Equal(expected, result.Events);
        }
    }

    [Fact]
    public void A_stopped_feed_reports_the_offset_just_after_the_event()
    {
        var input = Tokenize.Bytes("<stream:stream xmlns:stream='http://etherx.jabber.org/streams'><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>\x16\x03\x01binary-tls");
        using var tokenizer = new XmlStreamTokenizer();
        var log = new EventLog { StopEvery = 2 };
        var sink = new RecordingSink(log);

        var error = tokenizer.Feed(input, ref sink, out var consumed);

        Assert.Equal(XmlStreamError.None, error);
        Assert.Equal(2, log.Events.Count);
        Assert.Equal(input.AsSpan().IndexOf((byte)0x16), consumed);
    }

    [Theory]
    [InlineData("<?xml version='1.0' encoding='UTF-8'?>", "the XML declaration")]
    [InlineData("<stream:stream\n", "the stream header")]
    [InlineData("<![CDATA[", "a CDATA section")]
    [InlineData("&#x0159;", "a character reference")]
    [InlineData("&apos;", "an entity reference")]
    [InlineData("\"juliet@example.com/balcony\"", "a double-quoted value")]
    [InlineData("Ромео", "two-byte UTF-8")]
    [InlineData("ロミオ", "three-byte UTF-8")]
    [InlineData("🌹", "four-byte UTF-8")]
    [InlineData("<x:field var='FORM_TYPE' type='hidden'>", "a prefixed tag declared on the header")]
    [InlineData("</stream:stream>", "the stream's end tag")]
    public void Corpus_contains_each_construct_the_split_tests_cut_through(string construct, string because)
    {
        Assert.True(Corpus.Client.AsSpan().IndexOf(Tokenize.Bytes(construct)) >= 0, because);
    }
}
