using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Xml.Reader;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Modules.Compression;

/// <summary>
/// XEP-0138 stream compression, negotiated after SASL and before bind (XEP-0170), on listeners that offer it
/// (the transport says so: <see cref="ISessionTransport.CanCompress"/>). &lt;compress/&gt; with method zlib is answered
/// with &lt;compressed/&gt;, then the stream restarts over zlib; another method is unsupported-method, and a request
/// where compression is not on offer (already compressed, after bind, or a listener without it) is setup-failed,
/// both leaving the stream as it was. Obsolete at the XSF because shared compression leaks secrets through
/// lengths (CRIME): off by default, and the transport resets the dictionary whenever the sender changes.
/// </summary>
public sealed class CompressionModule : IXmppModule, IStreamFeatureProvider, IStreamElementHandler
{
    public string Name => "compression";

    internal static ReadOnlySpan<byte> Namespace => "http://jabber.org/protocol/compress"u8;

    public void Register(ModuleRegistry registry, XmppServer server)
    {
        registry.AddStreamFeatures(this);
        registry.AddStreamElementHandler(Namespace, this);
    }

    public void WriteFeatures(XmppSession session, PooledBufferWriter writer)
    {
        if (session.Transport.CanCompress)
        {
            writer.Write("<compression xmlns='http://jabber.org/features/compress'><method>zlib</method></compression>"u8);
        }
    }

    public bool HandleElement(XmppSession session, in XmlElement element)
    {
        if (!element.LocalName.SequenceEqual("compress"u8))
        {
            session.CloseWithStreamError(StreamErrorCondition.UnsupportedStanzaType);
            return false;
        }

        if (!session.Transport.CanCompress || session.IsBound)
        {
            session.Send("<failure xmlns='http://jabber.org/protocol/compress'><setup-failed/></failure>"u8);
            return true;
        }

        var request = XmlElementReader.Create(element.Raw, Namespace);
        Span<byte> method = stackalloc byte[16];
        if (!request.TryGetChild("method"u8, Namespace, out var child) || child.GetTextLength() > method.Length
            || !child.TryGetText(method, out var length))
        {
            session.Send("<failure xmlns='http://jabber.org/protocol/compress'><setup-failed/></failure>"u8);
            return true;
        }

        if (!method[..length].Trim(" \t\r\n"u8).SequenceEqual("zlib"u8))
        {
            session.Send("<failure xmlns='http://jabber.org/protocol/compress'><unsupported-method/></failure>"u8);
            return true;
        }

        // <compressed/> leaves uncompressed; everything after it, both ways, is zlib (XEP-0138 §4).
        session.Send("<compressed xmlns='http://jabber.org/protocol/compress'/>"u8);
        session.RestartStreamCompressed();
        return false;
    }
}
