using System.Text;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Stanzas;

namespace HighPerf.Xmpp.Modules.ExternalServices;

/// <summary>
/// XEP-0215 external service discovery: &lt;services/&gt; (optionally of one type) lists the configured STUN/TURN
/// servers, and &lt;credentials/&gt; asks for one service's credentials. A service with a shared secret gets fresh
/// TURN REST API credentials (<see cref="TurnCredentials"/>) for the requesting user in both answers, so a Jingle
/// client (XEP-0176/0167) can relay media through it. Rare path (once per call set-up): it allocates.
/// </summary>
public sealed class ExternalServicesModule(ExternalServicesOptions options) : IXmppModule, IIqHandler
{
    private static ReadOnlySpan<byte> Namespace => "urn:xmpp:extdisco:2"u8;

    public ExternalServicesModule()
        : this(new ExternalServicesOptions())
    {
    }

    public string Name => "extdisco";

    /// <summary>The clock credentials expire by (tests set it).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    public void Register(ModuleRegistry registry, XmppServer server)
    {
        // Sent to the server (XEP-0215 §3), or with no 'to', which is the same for a client's own server.
        registry.AddIqHandler(Namespace, "services"u8, IqTarget.Server | IqTarget.OwnAccount, this);
        registry.AddIqHandler(Namespace, "credentials"u8, IqTarget.Server | IqTarget.OwnAccount, this);
        registry.AddFeature("urn:xmpp:extdisco:2");
    }

    public void HandleIq(ref IqRequest request)
    {
        if (request.Type != IqType.Get || (request.Target == IqTarget.OwnAccount && !request.To.IsEmpty))
        {
            request.ReplyError(request.Type == IqType.Get ? StanzaErrorCondition.ServiceUnavailable : StanzaErrorCondition.BadRequest);
            return;
        }

        var payload = request.Payload;
        var user = Encoding.UTF8.GetString(request.Session.BareJid);
        using var writer = new PooledBufferWriter(1024);
        if (payload.LocalName.SequenceEqual("services"u8))
        {
            string? type = payload.TryGetAttribute("type"u8, out var rawType) ? Decode(rawType) : null;
            writer.Write("<services xmlns='urn:xmpp:extdisco:2'"u8);
            if (type is not null)
            {
                EscapingWriter.WriteEscapedAttribute(writer, "type"u8, Encoding.UTF8.GetBytes(type));
            }

            writer.Write(">"u8);
            foreach (var service in options.Services)
            {
                if (type is null || string.Equals(service.Type, type, StringComparison.Ordinal))
                {
                    WriteService(writer, service, user);
                }
            }

            writer.Write("</services>"u8);
            request.ReplyResult(writer.WrittenSpan);
            return;
        }

        // <credentials><service host='' type='' [port='']/></credentials> (§3.3)
        if (!payload.TryGetChild("service"u8, Namespace, out var wanted)
            || !wanted.TryGetAttribute("host"u8, out var rawHost) || !wanted.TryGetAttribute("type"u8, out var rawServiceType))
        {
            request.ReplyError(StanzaErrorCondition.BadRequest);
            return;
        }

        var host = Decode(rawHost);
        var serviceType = Decode(rawServiceType);
        int? port = wanted.TryGetAttribute("port"u8, out var rawPort) && int.TryParse(Decode(rawPort), out var parsed) ? parsed : null;
        writer.Write("<credentials xmlns='urn:xmpp:extdisco:2'>"u8);
        var found = false;
        foreach (var service in options.Services)
        {
            if (string.Equals(service.Host, host, StringComparison.OrdinalIgnoreCase) && string.Equals(service.Type, serviceType, StringComparison.Ordinal)
                && (port is null || port == service.Port))
            {
                found = true;
                WriteService(writer, service, user);
            }
        }

        if (!found)
        {
            request.ReplyError(StanzaErrorCondition.ItemNotFound);
            return;
        }

        writer.Write("</credentials>"u8);
        request.ReplyResult(writer.WrittenSpan);
    }

    private void WriteService(PooledBufferWriter writer, ExternalService service, string user)
    {
        writer.Write("<service"u8);
        Attribute(writer, "type"u8, service.Type);
        Attribute(writer, "host"u8, service.Host);
        if (service.Port > 0)
        {
            Attribute(writer, "port"u8, service.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (service.Transport is not null)
        {
            Attribute(writer, "transport"u8, service.Transport);
        }

        if (service.Name is not null)
        {
            Attribute(writer, "name"u8, service.Name);
        }

        if (service.Secret is not null)
        {
            var expires = Clock.GetUtcNow() + service.CredentialLifetime;
            var (username, password) = TurnCredentials.Create(service.Secret, user, expires);
            Attribute(writer, "username"u8, username);
            Attribute(writer, "password"u8, password);
            Attribute(writer, "expires"u8, expires.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
            Attribute(writer, "restricted"u8, "1");
        }

        writer.Write("/>"u8);
    }

    private static void Attribute(PooledBufferWriter writer, ReadOnlySpan<byte> name, string value)
        => EscapingWriter.WriteEscapedAttribute(writer, name, Encoding.UTF8.GetBytes(value));

    private static string Decode(ReadOnlySpan<byte> raw) => XmlText.TryDecode(raw, 1024, out var value) ? Encoding.UTF8.GetString(value) : "";
}
