using System.Globalization;
using System.Text;
using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Modules.DataForms;
using HighPerf.Xmpp.Xml.Reader;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Modules.HttpUpload;

/// <summary>
/// XEP-0363 HTTP File Upload, the XMPP side, on its own domain (upload.&lt;domain&gt; by default): disco (identity
/// store/file, the feature and a XEP-0128 form with max-file-size) and slot requests, answered with the PUT and
/// GET URLs the HTTP host signs (<see cref="IUploadSlots"/>), or with the XEP's errors: file-too-large
/// (not-acceptable), a quota refusal (resource-constraint with a retry stamp), bad-request for a bad request.
/// </summary>
public sealed class UploadModule(UploadModuleOptions options) : IXmppModule, IHostedDomainHandler
{
    private static ReadOnlySpan<byte> Namespace => "urn:xmpp:http:upload:0"u8;

    private byte[] _info = [];

    public UploadModule()
        : this(new UploadModuleOptions())
    {
    }

    public string Name => "upload";

    /// <summary>Where slots come from; the host sets it before the server starts.</summary>
    public IUploadSlots? Slots { get; set; }

    /// <summary>The service's domain once registered.</summary>
    public string? Domain { get; private set; }

    public void Register(ModuleRegistry registry, XmppServer server)
    {
        var slots = Slots ?? throw new InvalidOperationException("The upload module needs the HTTP host's upload store (the server host wires it).");
        var domain = (options.Domain ?? "upload." + Encoding.UTF8.GetString(server.DefaultDomain)).Trim().ToLowerInvariant();
        if (server.IsLocalDomain(Encoding.UTF8.GetBytes(domain)))
        {
            throw new InvalidOperationException($"The upload domain '{domain}' is also a served domain.");
        }

        Domain = domain;
        using var info = new PooledBufferWriter(1024);
        info.Write("<query xmlns='http://jabber.org/protocol/disco#info'><identity category='store' type='file'"u8);
        EscapingWriter.WriteEscapedAttribute(info, "name"u8, Encoding.UTF8.GetBytes(options.Name));
        info.Write("/><feature var='urn:xmpp:http:upload:0'/><feature var='http://jabber.org/protocol/disco#info'/><feature var='urn:xmpp:ping'/>"u8);
        var form = new DataFormWriter(info);
        form.Begin("result"u8);
        form.FormType("urn:xmpp:http:upload:0");
        form.Field("max-file-size", null, null, false, [slots.MaxFileSize.ToString(CultureInfo.InvariantCulture)]);
        form.End();
        info.Write("</query>"u8);
        _info = info.WrittenSpan.ToArray();
        registry.AddHostedDomain(domain, this);
    }

    public void HandleStanza(XmppSession sender, in XmlElement element, StanzaKind kind, ReadOnlySpan<byte> to, in JidParts toParts)
    {
        if (kind != StanzaKind.Iq)
        {
            if (kind == StanzaKind.Message && !element.TypeValue.SequenceEqual(XmppNames.Error))
            {
                sender.SendError(element, StanzaErrorCondition.ServiceUnavailable, to);
            }

            return;
        }

        var type = StanzaTypes.ParseIq(element.TypeValue);
        if (type is IqType.Result or IqType.Error)
        {
            return;
        }

        var iq = XmlElementReader.Create(element.Raw, XmppNames.NsClient);
        if (type == IqType.Invalid || !element.Id.IsPresent || !iq.TryGetFirstChild(out var payload))
        {
            sender.SendError(element, StanzaErrorCondition.BadRequest, to);
            return;
        }

        var get = type == IqType.Get;
        if (toParts.HasLocal || toParts.HasResource)
        {
            sender.SendError(element, StanzaErrorCondition.ServiceUnavailable, to);
        }
        else if (get && payload.Is("query"u8, "http://jabber.org/protocol/disco#info"u8))
        {
            sender.SendIqResult(element, _info, to);
        }
        else if (get && payload.Is("query"u8, "http://jabber.org/protocol/disco#items"u8))
        {
            sender.SendIqResult(element, "<query xmlns='http://jabber.org/protocol/disco#items'/>"u8, to);
        }
        else if (payload.Is("ping"u8, "urn:xmpp:ping"u8))
        {
            sender.SendIqResult(element, default, to);
        }
        else if (get && payload.Is("request"u8, Namespace))
        {
            RequestSlot(sender, element, to, payload);
        }
        else
        {
            sender.SendError(element, payload.Is("request"u8, Namespace) ? StanzaErrorCondition.BadRequest : StanzaErrorCondition.ServiceUnavailable, to);
        }
    }

    private void RequestSlot(XmppSession sender, in XmlElement element, ReadOnlySpan<byte> to, XmlElementReader request)
    {
        if (!SlotRequest.TryParse(request, out var slot))
        {
            sender.SendError(element, StanzaErrorCondition.BadRequest, to);
            return;
        }

        var slots = Slots!;
        if (slot.Size > slots.MaxFileSize)
        {
            UploadErrors.FileTooLarge(sender, element, to, slots.MaxFileSize);
            return;
        }

        var issued = slots.Issue(Encoding.UTF8.GetString(sender.BareJid), slot.Filename, slot.Size, slot.ContentType);
        if (!issued.Issued)
        {
            UploadErrors.QuotaReached(sender, element, to, slots.QuotaBytes, issued.RetryAfter);
            return;
        }

        using var writer = new PooledBufferWriter(512);
        writer.Write("<slot xmlns='urn:xmpp:http:upload:0'><put"u8);
        EscapingWriter.WriteEscapedAttribute(writer, "url"u8, Encoding.UTF8.GetBytes(issued.PutUrl));
        writer.Write("/><get"u8);
        EscapingWriter.WriteEscapedAttribute(writer, "url"u8, Encoding.UTF8.GetBytes(issued.GetUrl));
        writer.Write("/></slot>"u8);
        sender.SendIqResult(element, writer.WrittenSpan, to);
    }
}
