using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace HighPerf.Xmpp.Transport.Tls;

/// <summary>
/// The certificate a server without a configured one serves: generated once into
/// <c>&lt;dataDir&gt;/tls/&lt;domain&gt;.crt</c> and <c>.key</c> (PEM, key mode 0600) and reused while valid.
/// </summary>
/// <remarks>
/// ECDSA P-256: every TLS 1.2+ client accepts it, and signing is far cheaper than RSA-2048, which decides
/// handshakes per second. Valid 730 days: Apple platforms refuse TLS server certificates valid longer than
/// 825 days even when the user trusts them. SAN holds the domain and <c>*.domain</c>; EKU serverAuth and clientAuth
/// (the latter for server-to-server).
/// </remarks>
public static class SelfSignedCertificate
{
    private static readonly TimeSpan Validity = TimeSpan.FromDays(730);
    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    /// <summary>Returns the existing certificate for <paramref name="domain"/>, or makes one if absent or about to expire.</summary>
    public static SelfSignedCertificateInfo EnsureExists(string dataDirectory, string domain, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        ValidateDomain(domain);
        var now = (time ?? TimeProvider.System).GetUtcNow();
        var directory = Path.Combine(dataDirectory, "tls");
        var certificatePath = Path.Combine(directory, domain.ToLowerInvariant() + ".crt");
        var keyPath = Path.Combine(directory, domain.ToLowerInvariant() + ".key");

        if (File.Exists(certificatePath) && File.Exists(keyPath))
        {
            using var existing = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            if (existing.NotAfter.ToUniversalTime() - RenewBefore > now.UtcDateTime)
            {
                return new SelfSignedCertificateInfo(certificatePath, keyPath, Fingerprint(existing), Created: false);
            }
        }

        Directory.CreateDirectory(directory);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = Build(domain, key, now);
        WriteAtomically(keyPath, key.ExportPkcs8PrivateKeyPem(), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        WriteAtomically(certificatePath, certificate.ExportCertificatePem(), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        return new SelfSignedCertificateInfo(certificatePath, keyPath, Fingerprint(certificate), Created: true);
    }

    /// <summary>SHA-256 of the DER certificate as upper-case hex pairs joined by colons (as browsers and openssl show it).</summary>
    public static string Fingerprint(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var hex = certificate.GetCertHashString(HashAlgorithmName.SHA256);
        return string.Join(':', Enumerable.Range(0, hex.Length / 2).Select(i => hex.Substring(i * 2, 2)));
    }

    private static X509Certificate2 Build(string domain, ECDsa key, DateTimeOffset now)
    {
        var request = new CertificateRequest($"CN={domain}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(domain);
        names.AddDnsName("*." + domain);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));

        // Back-dated an hour so a client whose clock is slightly behind still accepts it.
        return request.CreateSelfSigned(now.AddHours(-1), now.Add(Validity));
    }

    private static void WriteAtomically(string path, string pem, UnixFileMode mode)
    {
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(pem);
        }

        if (!OperatingSystem.IsWindows())
        {
            // UnixCreateMode only applies to new files; a stale .tmp keeps its mode otherwise.
            File.SetUnixFileMode(temporary, mode);
        }

        File.Move(temporary, path, overwrite: true);
    }

    private static void ValidateDomain(string domain)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(domain);
        if (domain.AsSpan().IndexOfAny(['/', '\\', '\0']) >= 0 || domain.StartsWith('.') || domain.Contains("..", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{domain}' is not a domain name", nameof(domain));
        }
    }
}
