namespace HighPerf.Xmpp.Transport.Tls;

/// <summary>Where <see cref="SelfSignedCertificate.EnsureExists"/> keeps a certificate, its fingerprint, and whether it was just made.</summary>
public sealed record SelfSignedCertificateInfo(string CertificatePath, string PrivateKeyPath, string Sha256Fingerprint, bool Created)
{
    /// <summary>The files as a served domain's certificate.</summary>
    public TlsCertificateFiles ToFiles(string domain) => new(domain, CertificatePath, PrivateKeyPath);
}
