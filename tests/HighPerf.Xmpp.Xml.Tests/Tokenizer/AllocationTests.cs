using HighPerf.Xmpp.Xml.Tests.Support;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Xml.Tests.Tokenizer;

/// <summary>Steady state allocates nothing per stanza: measured as allocated-bytes deltas, not time.</summary>
public class AllocationTests
{
    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1460)]
    [InlineData(97)]
    [InlineData(1)]
    public void Tokenizing_a_stream_allocates_nothing_once_warmed_up(int chunkSize)
    {
        var input = Corpus.Client;
        using var tokenizer = new XmlStreamTokenizer();
        var sink = new CountingSink();

        for (var i = 0; i < 3; i++)
        {
            Run(tokenizer, input, chunkSize, ref sink);
        }

        sink = default;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 20; i++)
        {
            Run(tokenizer, input, chunkSize, ref sink);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(20 * 16, sink.Elements);
        Assert.Equal(0, allocated);
    }

    private static void Run(XmlStreamTokenizer tokenizer, byte[] input, int chunkSize, ref CountingSink sink)
    {
        tokenizer.Reset();
        for (var offset = 0; offset < input.Length; offset += chunkSize)
        {
            var chunk = input.AsSpan(offset, Math.Min(chunkSize, input.Length - offset));
            var error = tokenizer.Feed(chunk, ref sink, out _);
            if (error != XmlStreamError.None)
            {
                throw new InvalidOperationException(error.ToString());
            }
        }
    }

    private struct CountingSink : IXmlStreamSink
    {
        public int Elements;
        public int Bytes;

        public bool OnStreamOpen(in StreamHeader header) => true;

        public bool OnElement(in XmlElement element)
        {
            Elements++;
            Bytes += element.Raw.Length + element.ToValue.Length;
            return true;
        }

        public bool OnStreamClose() => true;
    }
}
