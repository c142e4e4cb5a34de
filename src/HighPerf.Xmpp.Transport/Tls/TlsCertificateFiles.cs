namespace HighPerf.Xmpp.Transport.Tls;

/// <summary>
/// One served domain's PEM files: the certificate chain (leaf first, then intermediates, as Let's Encrypt's
/// fullchain.pem) and its private key. The certificate also serves the domain's direct subdomains
/// (e.g. conference.example.org) when asked for them by SNI.
/// </summary>
public sealed record TlsCertificateFiles(string Domain, string CertificatePath, string PrivateKeyPath);
