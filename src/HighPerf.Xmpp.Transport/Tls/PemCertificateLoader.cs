using System.Security.Cryptography.X509Certificates;

namespace HighPerf.Xmpp.Transport.Tls;

/// <summary>Loads a PEM certificate chain and key into an <see cref="X509Certificate2"/> that SslStream accepts.</summary>
public static class PemCertificateLoader
{
    /// <summary>
    /// The leaf certificate with its private key. <see cref="X509Certificate2.CreateFromPemFile"/> gives an
    /// ephemeral key, which SslStream may refuse; a PKCS#12 round trip turns it into a regular one.
    /// </summary>
    public static X509Certificate2 LoadForSslStream(string certificatePath, string privateKeyPath)
    {
        using var ephemeral = X509Certificate2.CreateFromPemFile(certificatePath, privateKeyPath);
        var pkcs12 = ephemeral.Export(X509ContentType.Pkcs12);
        return X509CertificateLoader.LoadPkcs12(pkcs12, password: null, X509KeyStorageFlags.Exportable);
    }
}
