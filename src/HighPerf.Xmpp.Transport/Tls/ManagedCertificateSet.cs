using System.Security.Authentication;
using DotNetty.Handlers.Tls;
using DotNetty.Transport.Channels;

namespace HighPerf.Xmpp.Transport.Tls;

/// <summary>
/// Certificates for the managed engine: DotNetty's <see cref="TlsHandler"/> over SslStream, behind an
/// <see cref="SniHandler"/> when several domains are served. It negotiates no ALPN (DotNetty 0.7.6 cannot
/// pass it to SslStream); clients that offer xmpp-client still connect, since the server may ignore ALPN.
/// </summary>
internal sealed class ManagedCertificateSet
{
    private readonly Dictionary<string, ServerTlsSettings> _settings;
    private readonly ServerTlsSettings _default;
    private readonly string _defaultDomain;

    private ManagedCertificateSet(Dictionary<string, ServerTlsSettings> settings, string defaultDomain)
    {
        _settings = settings;
        _defaultDomain = defaultDomain;
        _default = settings[defaultDomain];
    }

    public static ManagedCertificateSet Load(IReadOnlyList<TlsCertificateFiles> certificates, TlsServerOptions options)
    {
        var protocols = options.MaximumTls13 ? SslProtocols.Tls12 | SslProtocols.Tls13 : SslProtocols.Tls12;
        var settings = new Dictionary<string, ServerTlsSettings>(StringComparer.OrdinalIgnoreCase);
        foreach (var files in certificates)
        {
            var certificate = PemCertificateLoader.LoadForSslStream(files.CertificatePath, files.PrivateKeyPath);
            settings[files.Domain] = new ServerTlsSettings(certificate, false, false, protocols);
        }

        return new ManagedCertificateSet(settings, certificates[0].Domain);
    }

    public IChannelHandler CreateHandler()
    {
        if (_settings.Count == 1)
        {
            return new TlsHandler(_default);
        }

        return new SniHandler(new ServerTlsSniSettings(name => Task.FromResult(Select(name)), _defaultDomain));
    }

    private ServerTlsSettings Select(string? hostName)
    {
        if (hostName is null)
        {
            return _default;
        }

        if (_settings.TryGetValue(hostName, out var settings))
        {
            return settings;
        }

        var dot = hostName.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && _settings.TryGetValue(hostName[(dot + 1)..], out settings) ? settings : _default;
    }
}
