using System.Security.Cryptography;
using System.Text;
using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Xml.Reader;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Modules.Bytestreams;

/// <summary>
/// XEP-0065 SOCKS5 Bytestreams proxy, the XMPP side, on its own domain (proxy.&lt;domain&gt; by default): disco
/// (identity proxy/bytestreams), the streamhost query that tells clients where the relay listens, and activation
/// (§6.3.5). Only local users reach a hosted domain (the router hands it stanzas of bound sessions), and the
/// destination address hashes the activating sender's own JID, so only the initiator can activate its bytestream.
/// The relay itself (a DotNetty listener in the transport) is given by the host as an <see cref="IBytestreamRelay"/>.
/// </summary>
public sealed class ProxyModule(ProxyOptions options) : IXmppModule, IHostedDomainHandler
{
    private static ReadOnlySpan<byte> NamespaceBytes => "http://jabber.org/protocol/bytestreams"u8;

    private byte[] _info = [];
    private byte[] _streamhost = [];

    public ProxyModule()
        : this(new ProxyOptions())
    {
    }

    public string Name => "proxy65";

    /// <summary>The SOCKS5 relay; the host sets it before the server starts.</summary>
    public IBytestreamRelay? Relay { get; set; }

    /// <summary>The proxy's domain once registered.</summary>
    public string? Domain { get; private set; }

    public void Register(ModuleRegistry registry, XmppServer server)
    {
        var relay = Relay ?? throw new InvalidOperationException("The proxy65 module needs its SOCKS5 relay (the server host wires it).");
        var domain = (options.Domain ?? "proxy." + Encoding.UTF8.GetString(server.DefaultDomain)).Trim().ToLowerInvariant();
        if (server.IsLocalDomain(Encoding.UTF8.GetBytes(domain)))
        {
            throw new InvalidOperationException($"The proxy domain '{domain}' is also a served domain.");
        }

        Domain = domain;
        using (var info = new PooledBufferWriter(512))
        {
            info.Write("<query xmlns='http://jabber.org/protocol/disco#info'><identity category='proxy' type='bytestreams'"u8);
            EscapingWriter.WriteEscapedAttribute(info, "name"u8, Encoding.UTF8.GetBytes(options.Name));
            info.Write("/><feature var='http://jabber.org/protocol/bytestreams'/><feature var='http://jabber.org/protocol/disco#info'/><feature var='urn:xmpp:ping'/></query>"u8);
            _info = info.WrittenSpan.ToArray();
        }

        using (var streamhost = new PooledBufferWriter(256))
        {
            streamhost.Write("<query xmlns='http://jabber.org/protocol/bytestreams'><streamhost"u8);
            EscapingWriter.WriteEscapedAttribute(streamhost, "jid"u8, Encoding.UTF8.GetBytes(domain));
            EscapingWriter.WriteEscapedAttribute(streamhost, "host"u8, Encoding.UTF8.GetBytes(relay.Host));
            EscapingWriter.WriteEscapedAttribute(streamhost, "port"u8, Encoding.UTF8.GetBytes(relay.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            streamhost.Write("/></query>"u8);
            _streamhost = streamhost.WrittenSpan.ToArray();
        }

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

            return; // presence to a proxy means nothing
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

        if (toParts.HasLocal || toParts.HasResource)
        {
            sender.SendError(element, StanzaErrorCondition.ServiceUnavailable, to);
            return;
        }

        var get = type == IqType.Get;
        if (get && payload.Is("query"u8, "http://jabber.org/protocol/disco#info"u8))
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
        else if (payload.Is("query"u8, NamespaceBytes))
        {
            if (get)
            {
                sender.SendIqResult(element, _streamhost, to); // §6.3.1: the proxy's network address
            }
            else
            {
                Activate(sender, element, to, payload);
            }
        }
        else
        {
            sender.SendError(element, StanzaErrorCondition.ServiceUnavailable, to);
        }
    }

    /// <summary>§6.3.5: SHA-1(SID + initiator JID + target JID) names the bytestream; the initiator is the sender.</summary>
    private void Activate(XmppSession sender, in XmlElement element, ReadOnlySpan<byte> to, XmlElementReader query)
    {
        if (!query.TryGetAttribute("sid"u8, out var rawSid) || rawSid.IsEmpty
            || !XmlText.TryDecode(rawSid, 1024, out var sid)
            || !query.TryGetChild("activate"u8, NamespaceBytes, out var activate))
        {
            sender.SendError(element, StanzaErrorCondition.BadRequest, to);
            return;
        }

        Span<byte> text = stackalloc byte[JidNormalizer.MaxJidBytes];
        Span<byte> target = stackalloc byte[JidNormalizer.MaxJidBytes];
        if (activate.GetTextLength() > text.Length
            || !activate.TryGetText(text, out var textLength)
            || JidNormalizer.TryNormalize(text[..textLength].Trim(" \t\r\n"u8), target, out var targetLength, out _) != JidError.None)
        {
            sender.SendError(element, StanzaErrorCondition.JidMalformed, to);
            return;
        }

        var outcome = Relay!.Activate(DestinationAddress(sid, sender.FullJid, target[..targetLength], stackalloc byte[40]));
        if (outcome == BytestreamActivation.UnknownAddress)
        {
            // A client that used its bare JID in the exchange with the target hashed that one.
            outcome = Relay.Activate(DestinationAddress(sid, sender.BareJid, target[..targetLength], stackalloc byte[40]));
        }

        switch (outcome)
        {
            case BytestreamActivation.Activated:
                sender.SendIqResult(element, default, to);
                break;
            case BytestreamActivation.UnknownAddress:
                sender.SendError(element, StanzaErrorCondition.ItemNotFound, to);
                break;
            default:
                sender.SendError(element, StanzaErrorCondition.NotAllowed, to);
                break;
        }
    }

    /// <summary>The destination address as 40 lowercase hex digits (XEP-0065 §5.3.2).</summary>
    public static ReadOnlySpan<byte> DestinationAddress(ReadOnlySpan<byte> sid, ReadOnlySpan<byte> initiator, ReadOnlySpan<byte> target, Span<byte> hex)
    {
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        sha1.AppendData(sid);
        sha1.AppendData(initiator);
        sha1.AppendData(target);
        Span<byte> digest = stackalloc byte[20];
        sha1.GetHashAndReset(digest);
        for (var i = 0; i < digest.Length; i++)
        {
            hex[2 * i] = (byte)"0123456789abcdef"[digest[i] >> 4];
            hex[(2 * i) + 1] = (byte)"0123456789abcdef"[digest[i] & 0xF];
        }

        return hex[..40];
    }
}
