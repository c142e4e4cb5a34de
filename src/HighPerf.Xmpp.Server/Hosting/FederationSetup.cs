using System.Net;
using System.Security.Cryptography;
using System.Text;
using HighPerf.Xmpp.Core.Federation;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Server.Configuration;
using HighPerf.Xmpp.Transport.Federation;
using HighPerf.Xmpp.Transport.Hosting;
using HighPerf.Xmpp.Transport.Tls;

namespace HighPerf.Xmpp.Server.Hosting;

/// <summary>Wires federation from the configuration's federation section: policy, secret, TLS, static routes.</summary>
internal static class FederationSetup
{
    public static S2sTransportHost Create(ServerConfig config, XmppServer server, XmppTransportHost transport, List<TlsCertificateFiles> certificates)
    {
        var section = config.Federation;
        var secret = string.IsNullOrEmpty(section.DialbackSecret) ? RandomNumberGenerator.GetBytes(32) : Encoding.UTF8.GetBytes(section.DialbackSecret);
        var federation = new Federation(server, OptionsFrom(config), secret);
        server.Federation = federation;
        var routes = new Dictionary<string, RemoteTarget>(StringComparer.OrdinalIgnoreCase);
        foreach (var (domain, route) in section.Routes)
        {
            var (host, port, directTls) = ConfigLoader.ParseRoute(route, $"federation.routes.{domain}");
            routes[domain] = new RemoteTarget(host, port, directTls);
        }

        var tls = new S2sTlsContext(certificates, section.ExtraCaFiles);
        return new S2sTransportHost(server, federation, transport, tls, new RemoteResolver(routes));
    }

    public static List<IPEndPoint> Listeners(List<string> values, string key)
    {
        var result = new List<IPEndPoint>();
        for (var i = 0; i < values.Count; i++)
        {
            result.Add(ConfigLoader.ParseEndPoint(values[i], $"{key}[{i}]"));
        }

        return result;
    }

    private static FederationOptions OptionsFrom(ServerConfig config)
    {
        var section = config.Federation;
        return new FederationOptions
        {
            RequireTls = section.RequireTls,
            RequireValidCertificates = section.RequireValidCertificates,
            AllowDialback = section.AllowDialback,
            QueueBytesPerDomain = section.QueueBytesPerDomain,
            OutboundQueueBytes = Math.Max(config.Limits.OutboundQueueBytes, 4 * 1024 * 1024),
            ConnectTimeout = TimeSpan.FromSeconds(section.ConnectTimeoutSeconds),
            IdleTimeout = TimeSpan.FromSeconds(section.IdleTimeoutSeconds),
            MaxInboundStreamsPerDomain = section.MaxInboundStreamsPerDomain,
        };
    }
}
