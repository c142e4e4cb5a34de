using System.Text;
using HighPerf.Xmpp.Xml.Tests.Support;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Xml.Tests.Tokenizer;

/// <summary>The per-unit arrays are borrowed per Feed call: an idle stream holds none, an unfinished unit keeps its
/// own, and a tokenizer fed from inside another's sink callback never shares the outer one's.</summary>
public class ScratchLendingTests
{
    private const string H = Streams.ClientHeader;

    [Fact]
    public void Idle_stream_holds_no_scratch_arrays_after_complete_stanzas()
    {
        using var tokenizer = new XmlStreamTokenizer();

        Tokenize.FeedAll(tokenizer, Tokenize.Bytes(H + "<message to='a@b' id='1'><body>hi</body></message> "), new EventLog());

        Assert.False(tokenizer.HoldsScratch);
    }

    [Fact]
    public void Unfinished_stanza_keeps_its_scratch_until_it_completes()
    {
        using var tokenizer = new XmlStreamTokenizer();
        var log = new EventLog();

        Tokenize.FeedAll(tokenizer, Tokenize.Bytes(H + "<message to='romeo@example.net' xmlns:x='urn:x' ty"), log);
        Assert.True(tokenizer.HoldsScratch);

        Tokenize.FeedAll(tokenizer, Tokenize.Bytes("pe='chat'><x:body>hi</x:body></message>"), log);

        Assert.False(tokenizer.HoldsScratch);
        Assert.Equal("chat", log.Captured[1].Value("type"));
        Assert.Equal("romeo@example.net", log.Captured[1].Value("to"));
    }

    [Fact]
    public void Reset_gives_back_the_scratch_of_an_abandoned_stanza()
    {
        using var tokenizer = new XmlStreamTokenizer();
        Tokenize.FeedAll(tokenizer, Tokenize.Bytes(H + "<message to='a@b' ty"), new EventLog());

        tokenizer.Reset();

        Assert.False(tokenizer.HoldsScratch);
    }

    [Fact]
    public void Tokenizer_fed_inside_a_sink_callback_gets_its_own_arrays()
    {
        // The outer stream's stanzas carry more attributes and deeper nesting than a fresh set holds (8 slots,
        // 4 frames, 8 bindings), so its arrays grow while the inner tokenizer keeps an unfinished stanza of its own
        // across the callbacks. Both must report exactly what each reports when tokenized alone.
        var outer = new StringBuilder(H);
        for (var i = 0; i < 6; i++)
        {
            outer.Append("<message to='juliet@example.com/balcony' from='romeo@example.net/orchard' type='chat' id='m").Append(i).Append('\'');
            for (var a = 0; a < 12; a++)
            {
                outer.Append(" xmlns:p").Append(a).Append("='urn:p").Append(a).Append("' p").Append(a).Append(":a='").Append(i).Append('\'');
            }

            outer.Append("><a><b><c><d><e><f>deep</f></e></d></c></b></a></message>");
        }

        var inner = Tokenize.Bytes(H + "<iq type='get' id='q1' to='example.com' xmlns:z='urn:z'><query xmlns='jabber:iq:roster' z:v='1'/></iq>"
            + "<presence id='p1' xml:lang='en'><show>away</show></presence>");
        var outerBytes = Tokenize.Bytes(outer.ToString());
        var expectedOuter = Tokenize.Whole(outerBytes).Events;
        var expectedInner = Tokenize.Whole(inner).Events;

        using var innerTokenizer = new XmlStreamTokenizer();
        var innerLog = new EventLog { Detailed = false };
        var outerLog = new EventLog { Detailed = false };
        var sink = new NestingSink(outerLog, innerTokenizer, innerLog, inner, piece: 13);
        using var outerTokenizer = new XmlStreamTokenizer();

        Assert.Equal(XmlStreamError.None, outerTokenizer.Feed(outerBytes, ref sink, out _));
        sink.FeedRest();

        Assert.Equal(expectedOuter, outerLog.Events);
        Assert.Equal(expectedInner, innerLog.Events);
        Assert.False(outerTokenizer.HoldsScratch);
        Assert.False(innerTokenizer.HoldsScratch);
    }

    /// <summary>Records the outer events and, on each, feeds the next few bytes of another stream to a second
    /// tokenizer on the same thread.</summary>
    private struct NestingSink(EventLog log, XmlStreamTokenizer inner, EventLog innerLog, byte[] innerInput, int piece) : IXmlStreamSink
    {
        private int _innerOffset;

        public bool OnStreamOpen(in StreamHeader header)
        {
            log.Add(EventLog.Describe(header));
            FeedInner(piece);
            return true;
        }

        public bool OnElement(in XmlElement element)
        {
            log.Add(EventLog.Describe(element));
            FeedInner(piece);
            return true;
        }

        public bool OnStreamClose()
        {
            log.Add("close");
            return true;
        }

        public void FeedRest() => FeedInner(innerInput.Length);

        private void FeedInner(int count)
        {
            var take = Math.Min(count, innerInput.Length - _innerOffset);
            if (take <= 0)
            {
                return;
            }

            var sink = new RecordingSink(innerLog);
            var error = inner.Feed(innerInput.AsSpan(_innerOffset, take), ref sink, out _);
            Assert.Equal(XmlStreamError.None, error);
            _innerOffset += take;
        }
    }
}
