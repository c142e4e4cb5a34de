using System.Xml;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using HighPerf.Xmpp.Xml.Tokenizer;
using XmlElement = HighPerf.Xmpp.Xml.Tokenizer.XmlElement;

namespace HighPerf.Benchmarks.Tokenizer;

/// <summary>
/// Tokenizing a client stream of 2,000 chat messages, presences and iqs, fed in 4 KiB and in 1,460-byte
/// (one TCP segment) chunks, against System.Xml's XmlReader reading the same stream element by element
/// over a stream that returns the same chunks. The tokenizer reports each stanza's exact bytes, name,
/// namespace and routing attributes; the baseline gets the same from XmlReader. One operation is one
/// stanza (OperationsPerInvoke), so Allocated is bytes per stanza and MB/s comes from the mean.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class TokenizerBenchmarks : IDisposable
{
    private static readonly byte[] Data = TokenizerStreamData.Create();

    private readonly XmlStreamTokenizer _tokenizer = new();
    private readonly XmlReaderSettings _settings = new() { DtdProcessing = DtdProcessing.Prohibit, NameTable = new NameTable() };
    private ChunkedStream _stream = null!;

    [Params(4096, 1460)]
    public int ChunkSize { get; set; }

    [GlobalSetup]
    public void Setup() => _stream = new ChunkedStream(Data, ChunkSize);

    [GlobalCleanup]
    public void Dispose()
    {
        _tokenizer.Dispose();
        _stream?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// The same result with XmlReader, as a string-based server gets it: each top-level element's name,
    /// namespace and routing attributes, and its text to forward (ReadOuterXml).
    /// </summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = TokenizerStreamData.StanzaCount)]
    public long XmlReaderOuterXml() => ReadWithXmlReader(forward: true);

    /// <summary>XmlReader's floor: names, namespace and routing attributes, every node read, nothing kept
    /// to forward. Not a usable router, but it shows the parser's own cost.</summary>
    [Benchmark(OperationsPerInvoke = TokenizerStreamData.StanzaCount)]
    public long XmlReaderNodes() => ReadWithXmlReader(forward: false);

    [Benchmark(OperationsPerInvoke = TokenizerStreamData.StanzaCount)]
    public long Tokenize()
    {
        _tokenizer.Reset();
        var sink = new ChecksumSink();
        var data = Data.AsSpan();
        for (var offset = 0; offset < data.Length; offset += ChunkSize)
        {
            var chunk = data.Slice(offset, Math.Min(ChunkSize, data.Length - offset));
            if (_tokenizer.Feed(chunk, ref sink, out _) != XmlStreamError.None)
            {
                throw new InvalidOperationException("The benchmark stream is well-formed.");
            }
        }

        return sink.Checksum;
    }

    private long ReadWithXmlReader(bool forward)
    {
        _stream.Rewind();
        long checksum = 0;
        using var reader = XmlReader.Create(_stream, _settings);
        reader.MoveToContent();
        reader.Read();
        while (!reader.EOF)
        {
            if (reader.NodeType != XmlNodeType.Element || reader.Depth != 1)
            {
                reader.Read();
                continue;
            }

            checksum += reader.LocalName.Length + reader.NamespaceURI.Length
                + Length(reader.GetAttribute("to")) + Length(reader.GetAttribute("from"))
                + Length(reader.GetAttribute("type")) + Length(reader.GetAttribute("id"))
                + Length(reader.GetAttribute("xml:lang"));
            if (forward)
            {
                checksum += reader.ReadOuterXml().Length;
            }
            else
            {
                reader.Read();
            }
        }

        return checksum;
    }

    private static int Length(string? value) => value?.Length ?? 0;

    private struct ChecksumSink : IXmlStreamSink
    {
        public long Checksum;

        public bool OnStreamOpen(in StreamHeader header) => true;

        public bool OnElement(in XmlElement element)
        {
            Checksum += element.LocalName.Length + element.Namespace.Length + element.To.ValueLength + element.From.ValueLength
                + element.Type.ValueLength + element.Id.ValueLength + element.Lang.ValueLength;
            return true;
        }

        public bool OnStreamClose() => true;
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new ThroughputColumn((double)Data.Length / TokenizerStreamData.StanzaCount));
    }
}
