namespace HighPerf.Xmpp.Xml.Tokenizer;

/// <summary>
/// Incremental tokenizer for one XMPP stream. Not thread-safe: one per connection.
/// </summary>
public sealed class XmlStreamTokenizer : IDisposable
{
    public XmlStreamTokenizer(XmlStreamLimits? limits = null, XmlStreamMode mode = XmlStreamMode.Stream)
    {
        Limits = limits ?? XmlStreamLimits.Default;
        Mode = mode;
    }

    private int _buffered;

    public XmlStreamLimits Limits { get; }

    public XmlStreamMode Mode { get; }

    /// <summary>Bytes held for an unfinished token or stanza (the idle-memory figure).</summary>
    public int BufferedBytes => _buffered;

    /// <summary>
    /// Feeds the next chunk. Returns <see cref="XmlStreamError.None"/> unless the input is bad, in which
    /// case the tokenizer stays failed until <see cref="Reset"/>. <paramref name="consumed"/> is
    /// input.Length unless a sink callback returned false, in which case it is the offset just after
    /// that event.
    /// </summary>
    public XmlStreamError Feed<TSink>(ReadOnlySpan<byte> input, ref TSink sink, out int consumed)
        where TSink : struct, IXmlStreamSink
    {
        throw new NotImplementedException();
    }

    /// <summary>Starts a new stream (after STARTTLS, SASL success or compression): forgets all state
    /// and expects an optional XML declaration followed by a new stream header.</summary>
    public void Reset()
    {
        _buffered = 0;
    }

    public void Dispose()
    {
    }
}
