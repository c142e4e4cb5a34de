using HighPerf.Xmpp.Xml.Tests.Support;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Xml.Tests.Tokenizer;

/// <summary>Only the bytes of an unfinished unit are kept, and only until it completes.</summary>
public class BufferingTests
{
    private const string H = Streams.ClientHeader;

    [Fact]
    public void Stanza_complete_within_a_chunk_is_reported_as_a_slice_of_the_input()
    {
        var result = Tokenize.Whole(H + "<presence/><message to='a@b'><body>hi</body></message>");

        Assert.Equal(3, result.Log.ZeroCopyCount);
    }

    [Fact]
    public void Nothing_is_buffered_after_a_complete_stanza()
    {
        using var tokenizer = new XmlStreamTokenizer();
        var log = new EventLog();

        Tokenize.FeedAll(tokenizer, Tokenize.Bytes(H + "<message><body>hi</body></message>  "), log);

        Assert.Equal(0, tokenizer.BufferedBytes);
    }

    [Fact]
    public void Unfinished_stanza_holds_only_its_own_bytes_and_releases_them_when_complete()
    {
        using var tokenizer = new XmlStreamTokenizer();
        var log = new EventLog();
        const string head = "<message to='romeo@example.net'><bo";

        Tokenize.FeedAll(tokenizer, Tokenize.Bytes(H + "<presence/> \n" + head), log);
        Assert.Equal(head.Length, tokenizer.BufferedBytes);

        Tokenize.FeedAll(tokenizer, Tokenize.Bytes("dy>Wherefore"), log);
        Assert.Equal(head.Length + "dy>Wherefore".Length, tokenizer.BufferedBytes);

        Tokenize.FeedAll(tokenizer, Tokenize.Bytes(" art thou?</body></message><presence/><pre"), log);
        Assert.Equal("<pre".Length, tokenizer.BufferedBytes);
        Assert.Equal(4, log.Captured.Count);
        Assert.Equal(head + "dy>Wherefore art thou?</body></message>", log.Captured[2].RawText);
        // The header, both presences; not the message, completed from the buffer.
        Assert.Equal(3, log.ZeroCopyCount);
    }

    [Fact]
    public void Stanza_after_a_buffered_one_in_the_same_chunk_is_zero_copy()
    {
        using var tokenizer = new XmlStreamTokenizer();
        var log = new EventLog();

        Tokenize.FeedAll(tokenizer, Tokenize.Bytes(H + "<message><bo"), log);
        Tokenize.FeedAll(tokenizer, Tokenize.Bytes("dy/></message><presence/>"), log);

        Assert.Equal(3, log.Captured.Count);
        Assert.Equal(2, log.ZeroCopyCount);
    }

    [Fact]
    public void Partial_stream_header_is_buffered_then_released()
    {
        using var tokenizer = new XmlStreamTokenizer();
        var log = new EventLog();

        Tokenize.FeedAll(tokenizer, Tokenize.Bytes(H[..40]), log);
        Assert.Equal(40, tokenizer.BufferedBytes);

        Tokenize.FeedAll(tokenizer, Tokenize.Bytes(H[40..]), log);
        Assert.Equal(0, tokenizer.BufferedBytes);
        Assert.Single(log.Captured);
    }

    [Fact]
    public void Reset_and_dispose_release_a_partial_stanza()
    {
        using var tokenizer = new XmlStreamTokenizer();
        var log = new EventLog();
        Tokenize.FeedAll(tokenizer, Tokenize.Bytes(H + "<message><body>"), log);
        Assert.True(tokenizer.BufferedBytes > 0);

        tokenizer.Reset();
        Assert.Equal(0, tokenizer.BufferedBytes);

        Tokenize.FeedAll(tokenizer, Tokenize.Bytes(H + "<message><body>"), log);
        tokenizer.Dispose();
        Assert.Equal(0, tokenizer.BufferedBytes);
    }

    [Fact]
    public void An_open_idle_stream_holds_about_a_kilobyte_in_total()
    {
        // Everything the tokenizer ever allocates stays referenced (steady state allocates nothing), so the
        // bytes allocated while opening a stream and passing stanzas are what an idle connection holds.
        // A first tokenizer initializes the process-wide tables, which are not per connection.
        var sink = new NullSink();
        new XmlStreamTokenizer().Feed(Corpus.Client, ref sink, out _);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var tokenizer = new XmlStreamTokenizer();
        tokenizer.Feed(Corpus.Client.AsSpan(0, Corpus.Client.Length - "</stream:stream>\n".Length), ref sink, out _);
        var held = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, tokenizer.BufferedBytes);
        Assert.InRange(held, 1, 1536);
        GC.KeepAlive(tokenizer);
    }

    private struct NullSink : IXmlStreamSink
    {
        public bool OnStreamOpen(in StreamHeader header) => true;

        public bool OnElement(in XmlElement element) => true;

        public bool OnStreamClose() => true;
    }
}
