using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using DotNetty.Handlers.Tls;
using DotNetty.Transport.Channels;
using HighPerf.Xmpp.Transport.Tls;

namespace HighPerf.Xmpp.Transport.Federation;

/// <summary>
/// TLS for s2s streams on the managed engine (SslStream under DotNetty's TlsHandler): s2s needs the client side of
/// TLS, client certificates both ways (SASL EXTERNAL) and chain building against extra CAs, which SslStream has;
/// s2s connections are few, so the OpenSSL engine's per-connection memory saving matters little here.
/// Each domain presents its own certificate (the c2s PEM files or self-signed ones).
/// </summary>
public sealed class S2sTlsContext
{
    private readonly Dictionary<string, X509Certificate2> _certificates = new(StringComparer.OrdinalIgnoreCase);
    private readonly string _defaultDomain;

    public S2sTlsContext(IReadOnlyList<TlsCertificateFiles> certificates, IEnumerable<string> extraCaFiles)
    {
        ArgumentNullException.ThrowIfNull(certificates);
        ArgumentOutOfRangeException.ThrowIfZero(certificates.Count);
        foreach (var files in certificates)
        {
            _certificates[files.Domain] = PemCertificateLoader.LoadForSslStream(files.CertificatePath, files.PrivateKeyPath);
        }

        _defaultDomain = certificates[0].Domain;
        foreach (var file in extraCaFiles)
        {
            ExtraRoots.ImportFromPemFile(file);
        }
    }

    /// <summary>CAs trusted for peer certificates beside the system store.</summary>
    public X509Certificate2Collection ExtraRoots { get; } = [];

    private static SslProtocols Protocols => SslProtocols.Tls12 | SslProtocols.Tls13;

    /// <summary>The server side: our certificate for <paramref name="localDomain"/>, and the peer's asked for (not required).</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5359", Justification = "PeerCertificate captures the certificate; it is verified per domain pair (VerifiesFor) before SASL EXTERNAL or under require-valid-certificates.")]
    internal IChannelHandler CreateServerHandler(string? localDomain, PeerCertificate peer)
    {
        var settings = new ServerTlsSettings(CertificateFor(localDomain), negotiateClientCertificate: true, checkCertificateRevocation: false, Protocols);
        return new TlsHandler(stream => new SslStream(stream, true, peer.Capture), settings);
    }

    /// <summary>The client side: SNI <paramref name="remoteDomain"/>, our certificate for <paramref name="localDomain"/> offered.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5359", Justification = "PeerCertificate captures the certificate; it is verified per domain pair (VerifiesFor) before SASL EXTERNAL or under require-valid-certificates.")]
    internal IChannelHandler CreateClientHandler(string localDomain, string remoteDomain, PeerCertificate peer)
    {
        var certificate = CertificateFor(localDomain);
        var settings = new ClientTlsSettings(Protocols, false, [certificate], remoteDomain);
        return new TlsHandler(stream => new SslStream(stream, true, peer.Capture, (_, _, _, _, _) => certificate), settings);
    }

    private X509Certificate2 CertificateFor(string? domain)
    {
        if (domain is not null)
        {
            if (_certificates.TryGetValue(domain, out var certificate))
            {
                return certificate;
            }

            // A hosted subdomain (conference.example.org) is covered by its parent's certificate (*.example.org).
            var dot = domain.IndexOf('.', StringComparison.Ordinal);
            if (dot > 0 && _certificates.TryGetValue(domain[(dot + 1)..], out certificate))
            {
                return certificate;
            }
        }

        return _certificates[_defaultDomain];
    }
}
