using System.Diagnostics.CodeAnalysis;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using DotNetty.Handlers.Tls;
using DotNetty.Transport.Channels;
using HighPerf.Xmpp.Transport.Tls;

namespace HighPerf.Xmpp.Transport.Cluster;

/// <summary>
/// TLS 1.3 for node links with one certificate the whole cluster shares (<c>cluster.certificate</c>/<c>cluster.key</c>):
/// every node presents it on both sides (mutual TLS) and accepts a peer only when the certificate the peer presents
/// is byte for byte that same certificate. Pinning the one certificate needs no CA, no chain building and no host
/// names (node addresses change with every start), and still admits only holders of the cluster key; the HMAC
/// handshake inside the TLS then proves each node's id.
/// </summary>
/// <remarks>
/// The managed engine (SslStream under DotNetty's TlsHandler), as for s2s: links need the client side of TLS and
/// client certificates, which the OpenSSL engine here does not do; links are few (one pair per node pair), so its
/// per-connection memory saving does not matter. Expiry is not checked: the pin is the trust, and a certificate is
/// replaced by configuring a new one on every node.
/// </remarks>
public sealed class NodeLinkTls
{
    /// <summary>The SNI name the connecting side sends (the pin, not the name, decides).</summary>
    private const string TargetHost = "hpx-cluster";

    private readonly X509Certificate2 _certificate;
    private readonly byte[] _pinned;

    private NodeLinkTls(X509Certificate2 certificate)
    {
        _certificate = certificate;
        _pinned = certificate.RawData;
    }

    /// <summary>SHA-256 fingerprint of the cluster certificate (for the start log).</summary>
    public string Fingerprint => SelfSignedCertificate.Fingerprint(_certificate);

    /// <summary>Loads the shared certificate and its key; throws with the file and the reason when either is unusable.</summary>
    public static NodeLinkTls Load(string certificatePath, string keyPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(certificatePath);
        ArgumentException.ThrowIfNullOrEmpty(keyPath);
        X509Certificate2 certificate;
        try
        {
            certificate = PemCertificateLoader.LoadForSslStream(certificatePath, keyPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new InvalidOperationException($"cannot load the cluster certificate {certificatePath} with key {keyPath}: {ex.Message}", ex);
        }

        if (!certificate.HasPrivateKey)
        {
            throw new InvalidOperationException($"the cluster key {keyPath} does not belong to the certificate {certificatePath}");
        }

        return new NodeLinkTls(certificate);
    }

    private static SslProtocols Protocols => SslProtocols.Tls13;

    /// <summary>The accepting side: presents the cluster certificate and requires the peer's, which must be the same.</summary>
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicMethods, typeof(TlsHandler))]
    internal IChannelHandler CreateServerHandler()
    {
        var settings = new ServerTlsSettings(_certificate, negotiateClientCertificate: true, checkCertificateRevocation: false, Protocols);
        return new TlsHandler(stream => new SslStream(stream, true, IsPinned), settings);
    }

    /// <summary>The connecting side: presents the cluster certificate and requires the acceptor's to be the same.</summary>
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicMethods, typeof(TlsHandler))]
    internal IChannelHandler CreateClientHandler()
    {
        var settings = new ClientTlsSettings(Protocols, false, [_certificate], TargetHost);
        return new TlsHandler(stream => new SslStream(stream, true, IsPinned, (_, _, _, _, _) => _certificate), settings);
    }

    /// <summary>
    /// The peer is accepted only with the pinned certificate: its chain and name errors are expected (it is
    /// self-signed and names no address) and do not matter once the bytes are equal.
    /// </summary>
    private bool IsPinned(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
        => certificate is not null && certificate.GetRawCertData().AsSpan().SequenceEqual(_pinned);
}
