using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Http.Framing;

/// <summary>
/// Turns the bytes a session writes for a TCP stream (header, features, stanzas, &lt;/stream:stream&gt;) into
/// standalone elements for RFC 7395 messages and XEP-0206 bodies: the header becomes &lt;open/&gt;, the closing tag
/// &lt;close/&gt;, and each top-level element gets the namespace declarations it inherited from the stream header
/// (jabber:client as default namespace, xmlns:stream on stream:* elements). The session is unchanged: this is the
/// HTTP transports' view of its output.
/// </summary>
/// <remarks>
/// The output is parsed again by the project's tokenizer, which allocates nothing per element; the converted frames
/// go into one reused pooled buffer that the caller sends before the next <see cref="Convert"/>. Not thread-safe:
/// one per transport, used by its single writer.
/// </remarks>
internal sealed class OutboundFramer : IDisposable
{
    private readonly XmlStreamTokenizer _tokenizer;
    private readonly PooledBufferWriter _output = new(4096);
    private Frame[] _frames = new Frame[8];
    private int _count;
    private byte[] _streamId = [];
    private byte[] _from = [];

    /// <param name="limits">The inbound limits; outbound stanzas may be larger (a 'from' inserted, server-built
    /// results), so the bounds here are wider.</param>
    public OutboundFramer(XmlStreamLimits limits)
    {
        _tokenizer = new XmlStreamTokenizer(new XmlStreamLimits
        {
            MaxStanzaBytes = Math.Max(limits.MaxStanzaBytes * 4, 4 * 1024 * 1024),
            MaxDepth = limits.MaxDepth + 16,
            MaxAttributes = limits.MaxAttributes + 16,
            MaxStreamHeaderBytes = limits.MaxStreamHeaderBytes,
            MaxNameBytes = limits.MaxNameBytes,
        });
    }

    /// <summary>The frames produced since the last <see cref="Clear"/>.</summary>
    public ReadOnlySpan<Frame> Frames => _frames.AsSpan(0, _count);

    public int FrameCount => _count;

    public Frame FrameAt(int index) => _frames[index];

    /// <summary>The id of the last stream header (the BOSH session creation response carries it as authid).</summary>
    public ReadOnlySpan<byte> StreamId => _streamId;

    /// <summary>The 'from' of the last stream header (the served domain).</summary>
    public ReadOnlySpan<byte> StreamFrom => _from;

    public ReadOnlyMemory<byte> Bytes(in Frame frame) => _output.WrittenMemory.Slice(frame.Start, frame.Length);

    public ReadOnlySpan<byte> Span(in Frame frame) => _output.WrittenSpan.Slice(frame.Start, frame.Length);

    /// <summary>Converts one outbound unit; false when the server's own output is not a well-formed stream (a bug).</summary>
    public bool Convert(ReadOnlySpan<byte> unit)
    {
        if (unit.StartsWith("<?xml"u8) || unit.StartsWith("<stream:stream"u8))
        {
            // A new stream header (first, or after SASL success): the previous stream's state is gone.
            _tokenizer.Reset();
        }

        var sink = new Sink(this);
        return _tokenizer.Feed(unit, ref sink, out _) == XmlStreamError.None;
    }

    /// <summary>Forgets the frames (the buffer is kept for the next unit).</summary>
    public void Clear()
    {
        _count = 0;
        _output.Reset();
    }

    public void Dispose()
    {
        _tokenizer.Dispose();
        _output.Dispose();
    }

    private void OnOpen(in StreamHeader header)
    {
        // Rare (twice per session): the copies may allocate.
        _streamId = header.IdValue.ToArray();
        _from = header.FromValue.ToArray();
        var start = _output.WrittenCount;
        _output.Write(FramingNames.OpenStart);
        WriteAttribute(" from='"u8, header.FromValue);
        WriteAttribute(" id='"u8, header.IdValue);
        WriteAttribute(" to='"u8, header.ToValue);
        _output.Write(" version='1.0' xml:lang='en'/>"u8);
        Add(FrameKind.Open, start);
    }

    private void WriteAttribute(ReadOnlySpan<byte> nameAndQuote, ReadOnlySpan<byte> rawValue)
    {
        if (rawValue.IsEmpty)
        {
            return;
        }

        // The header is ours, written with single quotes, so its raw values need no re-escaping here.
        _output.Write(nameAndQuote);
        _output.Write(rawValue);
        _output.Write("'"u8);
    }

    private void OnElement(in XmlElement element)
    {
        var raw = element.Raw;
        var start = _output.WrittenCount;
        var qualifiedName = raw[1..element.NameEnd];
        var startTag = raw[..element.StartTagEnd];
        _output.Write(raw[..element.NameEnd]);
        var colon = qualifiedName.IndexOf((byte)':');
        if (colon < 0)
        {
            if (!StartTagScanner.HasAttribute(startTag, element.NameEnd, "xmlns"u8))
            {
                _output.Write(" xmlns='"u8);
                _output.Write(element.Namespace);
                _output.Write("'"u8);
            }
        }
        else if (qualifiedName[..colon].SequenceEqual("stream"u8) && !StartTagScanner.HasAttribute(startTag, element.NameEnd, "xmlns:stream"u8))
        {
            _output.Write(FramingNames.StreamPrefixDeclaration);
        }

        _output.Write(raw[element.NameEnd..]);
        Add(FrameKind.Element, start);
    }

    private void OnClose()
    {
        var start = _output.WrittenCount;
        _output.Write(FramingNames.Close);
        Add(FrameKind.Close, start);
    }

    private void Add(FrameKind kind, int start)
    {
        if (_count == _frames.Length)
        {
            Array.Resize(ref _frames, _frames.Length * 2);
        }

        _frames[_count++] = new Frame(kind, start, _output.WrittenCount - start);
    }

    private readonly struct Sink(OutboundFramer framer) : IXmlStreamSink
    {
        public bool OnStreamOpen(in StreamHeader header)
        {
            framer.OnOpen(header);
            return true;
        }

        public bool OnElement(in XmlElement element)
        {
            framer.OnElement(element);
            return true;
        }

        public bool OnStreamClose()
        {
            framer.OnClose();
            return true;
        }
    }
}
