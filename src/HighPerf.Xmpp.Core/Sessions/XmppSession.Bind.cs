using System.Security.Cryptography;
using System.Text;
using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Reader;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Core.Sessions;

/// <summary>Resource binding (RFC 6120 §7) and the legacy session iq (RFC 3921 §3, kept as a no-op).</summary>
public sealed partial class XmppSession
{
    private const int MaxResourceBytes = 1023;

    private bool HandlePreBindIq(in XmlElement element)
    {
        var type = StanzaTypes.ParseIq(element.TypeValue);
        var reader = XmlElementReader.Create(element.Raw, XmppNames.NsClient);
        if (type == IqType.Set && reader.TryGetChild(XmppNames.Bind, XmppNames.NsBind, out var bind))
        {
            Bind(element, bind);
            return true;
        }

        if (type == IqType.Set && reader.TryGetChild(XmppNames.Session, XmppNames.NsSession, out _))
        {
            SendIqResult(element, default);
            return true;
        }

        // RFC 6120 §7.1: stanzas other than binding wait for a bound resource.
        CloseWithStreamError(StreamErrorCondition.NotAuthorized);
        return false;
    }

    private void Bind(in XmlElement element, XmlElementReader bind)
    {
        Span<byte> full = stackalloc byte[JidNormalizer.MaxJidBytes];
        if (!TryBuildFullJid(bind, full, out var fullLength))
        {
            SendError(element, StanzaErrorCondition.BadRequest);
            return;
        }

        SetIdentity(full[..fullLength], _bareLength, _bareLength + 1);

        _user = _server.Routes.Attach(this, out var replaced);
        _stage = StreamStage.Bound;
        if (replaced is not null)
        {
            // RFC 6120 §7.7.2.2: the newer login wins; the older one gets a conflict stream error.
            CoreLog.Replaced(_server.Logger, Encoding.UTF8.GetString(FullJid));
            replaced.Kick(StreamErrorCondition.Conflict);
        }

        var writer = ScratchWriter.Rent();
        writer.Write("<iq type='result'"u8);
        EscapingWriter.WriteAttribute(writer, XmppNames.Id, element.IdValue);
        writer.Write("><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>"u8);
        EscapingWriter.WriteEscaped(writer, FullJid);
        writer.Write("</jid></bind></iq>"u8);
        Send(writer.WrittenSpan);
        CoreLog.Bound(_server.Logger, Encoding.UTF8.GetString(FullJid));

        foreach (var observer in _server.Modules.SessionObservers)
        {
            observer.OnBound(this);
        }
    }

    private bool TryBuildFullJid(XmlElementReader bind, Span<byte> destination, out int written)
    {
        written = 0;
        Span<byte> resource = stackalloc byte[MaxResourceBytes];
        var resourceLength = 0;
        if (bind.TryGetChild(XmppNames.Resource, XmppNames.NsBind, out var requested))
        {
            if (requested.GetTextLength() > MaxResourceBytes || !requested.TryGetText(resource, out resourceLength))
            {
                return false;
            }

            resourceLength = resource[..resourceLength].Trim(" \t\r\n"u8).Length == 0 ? 0 : resourceLength;
        }

        if (resourceLength == 0)
        {
            // RFC 6120 §7.6: the server generates a resource when the client leaves it to us.
            "hp-"u8.CopyTo(resource);
            Span<byte> random = stackalloc byte[8];
            RandomNumberGenerator.Fill(random);
            Convert.TryToHexStringLower(random, resource[3..], out var hexLength);
            resourceLength = 3 + hexLength;
        }

        Span<byte> raw = stackalloc byte[_bareLength + 1 + resourceLength];
        BareJid.CopyTo(raw);
        raw[_bareLength] = (byte)'/';
        resource[..resourceLength].CopyTo(raw[(_bareLength + 1)..]);
        if (JidNormalizer.TryNormalize(raw, destination, out written, out var parts) != JidError.None
            || !parts.HasResource || parts.BareLength != _bareLength)
        {
            return false;
        }

        return true;
    }
}
