using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Benchmarks.Router;

/// <summary>A sink that only counts elements: the tokenizer's share of the routing path.</summary>
internal struct CountingSink : IXmlStreamSink
{
    public int Elements;

    public bool OnStreamOpen(in StreamHeader header) => true;

    public bool OnElement(in XmlElement element)
    {
        Elements += element.Raw.Length > 0 ? 1 : 0;
        return true;
    }

    public bool OnStreamClose() => true;
}
