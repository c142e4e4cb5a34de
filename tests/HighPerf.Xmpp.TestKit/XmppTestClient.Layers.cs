namespace HighPerf.Xmpp.TestKit;

/// <summary>Layers over the connection for negotiated switches other than TLS (XEP-0138 compression).</summary>
public sealed partial class XmppTestClient
{
    /// <summary>
    /// Replaces the connection's stream with <paramref name="wrap"/> applied to it (for example a zlib layer after
    /// &lt;compressed/&gt;); the next stream header is parsed afresh. Call between reads: nothing is read ahead.
    /// </summary>
    public void WrapStream(Func<Stream, Stream> wrap)
    {
        _stream = wrap(_stream);
        ResetTokenizer();
    }
}
